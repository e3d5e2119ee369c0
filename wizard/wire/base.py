"""What every wire module stands on: a request `Body`, an `Answer`, text a hub may send as null, the error
answer, links and the health answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _empty_if_null(value: object) -> object:
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_empty_if_null)]  # text a hub may send as null: read as ""


class Body(BaseModel):
    """A request body: unknown keys are ignored, as before."""

    model_config = ConfigDict(frozen=True)


class Answer(BaseModel):
    """An answer body as the clients read it."""

    model_config = ConfigDict(frozen=True)


# ---- errors and small shared pieces ---------------------------------------------------------------------------


class ErrorDetail(Answer):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="field -> what is wrong with it")
    district_id: str | None = None  # signup_already_completed / district_already_registered
    district_name: str | None = None  # district_already_registered


class ErrorAnswer(Answer):
    """Every `/api/v1` failure: `{"error": {"code", "message", "fields"?}}`."""

    error: ErrorDetail


class Link(Answer):
    rel: str
    uri: str


class Health(Answer):
    status: str
    schema_version: int
