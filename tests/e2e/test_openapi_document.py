"""The hub's /openapi.json describes every answer: each operation's success and failure bodies have a schema."""

from __future__ import annotations

from typing import Any

import requests

from wizard.sandbox.server import RunningHub


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_every_operation_documents_its_response_bodies(hub: RunningHub) -> None:
    document: dict[str, Any] = requests.get(f"{hub.base_url}/openapi.json", timeout=60).json()
    problems: list[str] = []
    operations = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            where = f"{method.upper()} {path}"
            answers = operation["responses"]
            successes = {status: answer for status, answer in answers.items() if status.startswith("2")}
            redirects = [status for status in answers if status.startswith("3")]
            if not successes and not redirects:
                problems.append(f"{where}: no success answer documented")
            for status, answer in {**successes, **{s: a for s, a in answers.items() if s[0] == "4"}}.items():
                content = answer.get("content") or {}
                if not content:
                    problems.append(f"{where} {status}: no body documented")
                for media, body in content.items():
                    schema = body.get("schema")
                    if not schema:
                        problems.append(f"{where} {status} {media}: no schema")
                    elif media == "application/json" and not _resolve(document, schema).get("properties"):
                        problems.append(f"{where} {status}: the JSON body's schema names no fields")
    assert operations >= 40
    assert problems == []


def test_the_documented_bodies_are_the_shared_wire_models(hub: RunningHub) -> None:
    schemas = requests.get(f"{hub.base_url}/openapi.json", timeout=60).json()["components"]["schemas"]
    district = schemas["DistrictOut"]
    assert {"id", "admin", "sync_method", "onboarding"} <= set(district["required"])
    upload_status = _resolve(
        {"components": {"schemas": schemas}}, schemas["UploadOut"]["properties"]["status"]
    )
    assert upload_status["enum"] == ["queued", "processing", "succeeded", "failed", "on_hold", "superseded"]
