"""Constrained text for request bodies: every field has a length cap, and no field holds a lone surrogate.

A lone surrogate (`"\\ud800"`) is valid JSON but not encodable text: stored or logged, it fails later with a
`UnicodeEncodeError`. Refusing it here makes it a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

NAME_MAX = 200  # names, titles, vendor names
SHORT_MAX = 64  # codes, ids, phone numbers, dates
EMAIL_MAX = 254  # RFC 5321's limit on an address
MESSAGE_MAX = 5000  # a message to the vendor
LIST_MAX = 10_000  # ids in one sharing setting


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("holds characters that are not valid text (a lone surrogate)") from None
    return value


ShortText = Annotated[str, Field(max_length=SHORT_MAX), AfterValidator(_encodable)]
NameText = Annotated[str, Field(max_length=NAME_MAX), AfterValidator(_encodable)]
EmailText = Annotated[str, Field(max_length=EMAIL_MAX), AfterValidator(_encodable)]
MessageText = Annotated[str, Field(max_length=MESSAGE_MAX), AfterValidator(_encodable)]
