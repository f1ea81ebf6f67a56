"""Who signed and when, and evidence content hashes: the model, and their Markdown round trips."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from afteraction.document.parse import parse_markdown, read_document
from afteraction.document.render import render_markdown
from afteraction.document.zones import resolve_zone
from afteraction.errors import FieldValueError, UsageError
from afteraction.inputs import file_sha256
from afteraction.model import Evidence, Incident, SignOff, sha256_hex
from afteraction.profiles import Profile, ProfileRegistry
from tests.lint_support import demo_text

ABC = hashlib.sha256(b"abc").hexdigest()
SRE_ROW = "| Author | J. Rivera | 2026-11-06 | [x] |"


def round_trip(text: str, profile: Profile) -> Incident:
    """Read ``text``, check it is written back line for line and reads back the same."""
    record = parse_markdown(text, profile)
    written = render_markdown(record, profile)
    assert written.splitlines() == text.splitlines()
    assert parse_markdown(written, profile) == record
    return record


# The model


def test_a_sign_off_without_the_new_fields_reads_as_before() -> None:
    entry = SignOff.model_validate({"role": "Author", "name": "Ana", "date": "2026-11-06"})
    assert (entry.signer, entry.signed_at) == (None, None)
    assert entry.signed


def test_signed_at_is_kept_in_utc_and_must_carry_a_zone() -> None:
    bogota = timezone(timedelta(hours=-5))
    entry = SignOff(role="Author", signed_at=datetime(2026, 11, 6, 9, 30, tzinfo=bogota))
    assert entry.signed_at == datetime(2026, 11, 6, 14, 30, tzinfo=UTC)
    assert entry.signed_at.tzinfo is UTC
    with pytest.raises(ValidationError) as caught:
        SignOff(role="Author", signed_at=datetime(2026, 11, 6, 14, 30))
    assert caught.value.errors()[0]["loc"] == ("signed_at",)
    assert "time zone" in caught.value.errors()[0]["msg"]


def test_an_entry_is_signed_by_any_mark_of_a_signer_but_not_by_a_no() -> None:
    assert not SignOff(role="Author").signed
    assert SignOff(role="Author", signer="ana@example.com").signed
    assert SignOff(role="Author", signed_at=datetime(2026, 11, 6, tzinfo=UTC)).signed
    assert not SignOff(role="Author", name="Ana", approved=False).signed


@pytest.mark.parametrize("bad", ["abc", ABC.upper(), ABC[:-1] + "g", ABC + "0", f"sha256:{ABC}"])
def test_a_bad_sha256_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Evidence(artifact="Audit log", sha256=bad)
    error = caught.value.errors()[0]
    assert error["loc"] == ("sha256",)
    assert "64 lowercase hexadecimal digits" in error["msg"]
    with pytest.raises(ValidationError) as nested:
        Incident.model_validate({"evidence": [{"artifact": "Audit log", "sha256": bad}]})
    assert nested.value.errors()[0]["loc"] == ("evidence", 0, "sha256")


def test_evidence_keeps_a_good_sha256_and_reads_without_one() -> None:
    assert Evidence(artifact="Audit log", sha256=ABC).sha256 == ABC
    assert Evidence.model_validate({"artifact": "Audit log"}).sha256 is None


def test_the_hash_of_bytes_a_stream_and_a_file_agree(tmp_path: Path) -> None:
    data = b"x" * (3 * 1024 * 1024 + 7)  # more than one chunk
    path = tmp_path / "bundle.tar"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_hex(data) == sha256_hex(io.BytesIO(data)) == file_sha256(path) == expected
    Evidence(artifact="bundle", sha256=file_sha256(path))  # a valid value
    with pytest.raises(UsageError, match="is a folder"):
        file_sha256(tmp_path)


def test_the_record_schema_gains_only_the_new_keys() -> None:
    defs = Incident.model_json_schema()["$defs"]
    sign_off = set(defs["SignOff"]["properties"])
    assert sign_off == {"role", "name", "signature", "date", "approved", "signer", "signed_at"}
    assert defs["SignOff"]["required"] == ["role"]
    assert set(defs["Evidence"]["properties"]) == {"artifact", "location", "sha256"}
    hashed = defs["Evidence"]["properties"]["sha256"]["anyOf"][0]
    assert hashed == {"type": "string", "pattern": "^[0-9a-f]{64}$"}


# Sign-offs in Markdown


def test_a_sign_off_date_without_a_time_reads_as_before(registry: ProfileRegistry) -> None:
    record = round_trip(demo_text("sre"), registry.get("sre"))
    assert [(s.date, s.signed_at) for s in record.sign_offs] == [(date(2026, 11, 6), None)]


def test_a_sign_off_date_with_a_time_gives_the_day_and_the_moment(
    registry: ProfileRegistry,
) -> None:
    text = demo_text("sre").replace(SRE_ROW, "| Author | J. Rivera | 2026-11-06 14:30 | [x] |")
    record = round_trip(text, registry.get("sre"))
    [entry] = record.sign_offs
    assert entry.date == date(2026, 11, 6)
    assert entry.signed_at == datetime(2026, 11, 6, 14, 30, tzinfo=UTC)


def test_a_sign_off_time_is_read_and_written_in_the_documents_zone(
    registry: ProfileRegistry,
) -> None:
    profile = registry.get("trading-cot")  # all times in COT (UTC-5)
    text = demo_text("trading-cot").replace(
        "|------|------|---------------|----------|\n",
        "|------|------|---------------|----------|\n| Ana | Reviewer | 2026-11-06 09:30 | Yes |\n",
        1,
    )
    record = round_trip(text, profile)
    [entry] = record.sign_offs
    assert (entry.role, entry.approved) == ("Reviewer", True)
    assert entry.signed_at == datetime(2026, 11, 6, 14, 30, tzinfo=UTC)


def test_a_sign_off_time_with_its_own_zone_is_written_in_the_documents(
    registry: ProfileRegistry,
) -> None:
    profile = registry.get("sre")
    text = demo_text("sre").replace(SRE_ROW, "| Author | J. Rivera | 2026-11-06 15:30 CET | [x] |")
    record = parse_markdown(text, profile)
    assert record.sign_offs[0].signed_at == datetime(2026, 11, 6, 14, 30, tzinfo=UTC)
    written = render_markdown(record, profile)
    assert "| Author | J. Rivera | 2026-11-06 14:30 | [x] |" in written.splitlines()
    assert parse_markdown(written, profile) == record


def test_the_signer_is_read_from_and_written_in_a_signer_column(registry: ProfileRegistry) -> None:
    profile = registry.get("sre")
    text = demo_text("sre").replace(
        "| Role | Name | Date | Approved |\n|------|------|------|----------|\n"
        f"{SRE_ROW}\n| Reviewer |  |  |  |\n| Engineering Lead |  |  |  |",
        "| Role | Name | Date | Approved | Signer |\n"
        "|------|------|------|----------|--------|\n"
        "| Author | J. Rivera | 2026-11-06 14:30 | [x] | jrivera@example.com |\n"
        "| Reviewer |  |  |  |  |\n| Engineering Lead |  |  |  |  |",
    )
    record = round_trip(text, profile)
    assert record.sign_offs[0].signer == "jrivera@example.com"


def test_a_record_signed_with_a_signer_and_time_round_trips_in_every_profile(
    registry: ProfileRegistry,
) -> None:
    moment = datetime(2026, 11, 6, 14, 30, tzinfo=UTC)
    for name in registry.names():
        profile = registry.get(name)
        role = (profile.sign_off_roles or ["Reviewer"])[0]
        record = parse_markdown(demo_text(name), profile)
        day = moment.astimezone(resolve_zone(profile.zone)).date()
        record.sign_offs = [
            SignOff(role=role, name="Ana", date=day, signed_at=moment, signer="ana@example.com")
        ]
        written = render_markdown(record, profile)
        assert parse_markdown(written, profile) == record, name
        assert render_markdown(parse_markdown(written, profile), profile) == written, name


def test_a_sign_off_line_keeps_its_time_and_signer(registry: ProfileRegistry) -> None:
    profile = registry.get("trading-resilience")
    blank = "**Technical Lead**:  Date:  \n"
    text = demo_text("trading-resilience")
    assert blank in text
    text = text.replace(
        blank, "**Technical Lead**: Ana Date: 2026-11-06 14:30 Signer: ana@example.com  \n"
    )
    record = round_trip(text, profile)
    [_, entry] = record.sign_offs
    assert (entry.name, entry.signer, entry.date) == ("Ana", "ana@example.com", date(2026, 11, 6))
    assert entry.signed_at == datetime(2026, 11, 6, 14, 30, tzinfo=UTC)


# Evidence hashes in Markdown


def evidence_text(rows: str) -> str:
    text = demo_text("lending-governance")
    start = text.index("## 8. Evidence References")
    end = text.index("\n---", start)
    table = "| Artifact | Location | SHA-256 |\n|----------|----------|---------|\n" + rows
    return text[:start] + "## 8. Evidence References\n\n" + table + "\n" + text[end:]


def test_an_evidence_hash_is_read_from_and_written_in_its_column(registry: ProfileRegistry) -> None:
    profile = registry.get("lending-governance")
    text = evidence_text(f"| Audit log | s3://bucket/audit.json | {ABC} |\n| Runbook | wiki |  |")
    record = round_trip(text, profile)
    assert [(e.artifact, e.sha256) for e in record.evidence] == [
        ("Audit log", ABC),
        ("Runbook", None),
    ]


def test_an_evidence_hash_in_capitals_or_with_its_algorithm_reads_as_the_hash(
    registry: ProfileRegistry,
) -> None:
    profile = registry.get("lending-governance")
    text = evidence_text(f"| Audit log | s3://bucket/audit.json | `sha256:{ABC.upper()}` |")
    assert parse_markdown(text, profile).evidence[0].sha256 == ABC


def test_a_value_that_is_no_hash_is_an_error_naming_the_line(registry: ProfileRegistry) -> None:
    profile = registry.get("lending-governance")
    text = evidence_text("| Audit log | s3://bucket/audit.json | 12ab |")
    line = text.splitlines().index("| Audit log | s3://bucket/audit.json | 12ab |") + 1
    with pytest.raises(FieldValueError) as caught:
        parse_markdown(text, profile)
    assert caught.value.line == line
    assert caught.value.message == "'12ab' is not a SHA-256 (expected 64 hexadecimal digits)"
    lenient = read_document(text, profile, strict=False).record
    assert [(e.artifact, e.sha256) for e in lenient.evidence] == [("Audit log", None)]
