"""Amazon Connect exports → landing contract.

Reads three kinds of source, told apart by their content:
- Contact Lens evaluation-form output (one evaluation per file, `schemaVersion` 3.x)
  → `evaluations` + `evaluation_answers`;
- Contact Lens analysis output for chat and voice (`Transcript[]`) → `transcripts`;
- contact trace records (CTR), a JSON array or one JSON object per line (Kinesis/S3
  delivery) → `interactions`, deduplicated on ContactId + LastUpdateTimestamp.

Values the contract needs that a source does not hold are taken from explicit options or
refused with an `AdapterError`; they are never guessed. The mapping and its reasons are in
the README section "Importing vendor exports".
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from orchestration.adapters.base import Adapter, AdapterError, Conversion, read_text
from orchestration.contract import EVALUATIONS, INTERACTIONS, Export

SPEAKERS = {"AGENT": "agent", "CUSTOMER": "customer", "SYSTEM": "system"}
CHANNELS = {"VOICE": "voice", "CHAT": "chat", "EMAIL": "email"}
# InitiationMethod → direction. CALLBACK groups with OUTBOUND: the centre places the call (the
# CTR reference times ConnectedToSystemTimestamp for OUTBOUND, CALLBACK and API alike, when the
# customer answers). API depends on the channel: a chat started with StartChatContact is the
# customer's, a voice contact started with StartOutboundVoiceContact is the centre's.
DIRECTIONS = {"INBOUND": "inbound", "OUTBOUND": "outbound", "CALLBACK": "outbound"}
API_DIRECTIONS = {"CHAT": "inbound", "VOICE": "outbound"}
TRANSFER_METHODS = ("TRANSFER", "QUEUE_TRANSFER")
# Yes/no single-select options, compared case-insensitively.
YES_NO_OPTIONS = {"yes": "yes", "no": "no"}


def domain(export: Export, column: str) -> tuple[str, ...]:
    """The values the contract allows in one column (read from the contract, not repeated)."""
    return next(item.domain for item in export.columns if item.name == column) or ()


# --- reading -----------------------------------------------------------------------------


def load_json_records(path: Path) -> list[Any] | dict:
    """A JSON document, or the objects of a JSONL file (one per line).

    A file that is neither is refused with json's line and column: an export that does not
    parse (the published Contact Lens voice example has trailing data) is never repaired.
    """
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as whole_file_error:
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not lines or not _is_json_object(lines[0][1]):
            raise AdapterError(
                path,
                None,
                f"not valid JSON: {whole_file_error.msg} at line {whole_file_error.lineno}"
                f" column {whole_file_error.colno}",
                "The file is refused as exported; fix it at the source (it is never guessed).",
            ) from None
    records = []
    for number, line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise AdapterError(
                path, None, f"not valid JSONL: line {number} column {error.colno}: {error.msg}"
            ) from None
    return records


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _require(value: Any, path: Path, record: str | int | None, field_name: str) -> Any:
    if value is None or value == "":
        raise AdapterError(path, record, f"{field_name} is missing; the landing contract needs it")
    return value


# --- evaluation-form output ----------------------------------------------------------------


def _answer(question: dict, path: Path, record: str) -> str | None:
    """The contract's answer for one question, or None for a question the contract cannot hold."""
    answer = question.get("answer") or {}
    question_type = question.get("questionType")
    if (answer.get("metadata") or {}).get("notApplicable"):
        return "na"
    if question_type == "NUMERIC":
        value = answer.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AdapterError(
                path, record, f"NUMERIC answer {value!r} is not a number and not marked N/A"
            )
        return str(value)
    if question_type == "SINGLESELECT":
        selected = [option for option in answer.get("values", []) if option.get("selected")]
        if len(selected) != 1:
            raise AdapterError(path, record, f"{len(selected)} options selected, expected one")
        text = str(selected[0].get("valueText", ""))
        if text.strip().lower() not in YES_NO_OPTIONS:
            raise AdapterError(
                path,
                record,
                f"selected option {text!r} is not Yes or No: the contract's questions are"
                " yes_no (yes/no/na) or numeric scales",
            )
        return YES_NO_OPTIONS[text.strip().lower()]
    if question_type == "TEXT":
        return None
    raise AdapterError(path, record, f"questionType {question_type!r} has no contract equivalent")


def convert_evaluation(document: dict, path: Path, evaluation_type: str) -> Conversion:
    """One evaluation-form output file → an `evaluations` row and its `evaluation_answers`.

    The output holds no revision (landed as 1, the contract default), no update time (null) and
    no calibration marker (the `evaluation_type` option, default standard). It holds no weights,
    maximum points or N/A permissions either, so no `forms` YAML is written from it.
    """
    if evaluation_type not in domain(EVALUATIONS, "evaluation_type"):
        raise AdapterError(
            path, None, f"evaluation_type {evaluation_type!r} is not in the contract"
        )
    metadata = document.get("metadata") or {}
    evaluation_id = _require(document.get("evaluationId"), path, None, "evaluationId")
    record = f"evaluation {evaluation_id}"
    conversion = Conversion(path)
    conversion.add(
        "evaluations",
        {
            "evaluation_id": evaluation_id,
            "revision": 1,
            "interaction_id": _require(metadata.get("contactId"), path, record, "contactId"),
            "agent_id": _require(metadata.get("agentId"), path, record, "agentId"),
            "evaluator_id": _require(metadata.get("evaluator"), path, record, "evaluator"),
            "form_id": _require(
                metadata.get("evaluationDefinitionId"), path, record, "evaluationDefinitionId"
            ),
            "form_version": _require(
                metadata.get("evaluationDefinitionVersion"),
                path,
                record,
                "evaluationDefinitionVersion",
            ),
            "evaluation_type": evaluation_type,
            "started_at": metadata.get("evaluationStartTimestamp"),
            "submitted_at": _require(
                metadata.get("evaluationSubmitTimestamp"), path, record, "evaluationSubmitTimestamp"
            ),
            "updated_at": None,
        },
    )
    for index, question in enumerate(document.get("questions") or []):
        question_id = _require(question.get("questionRefId"), path, index, "questionRefId")
        answer = _answer(question, path, f"question {question_id}")
        if answer is None:
            conversion.notes.append(
                f"question {question_id} ({question.get('questionType')}) not landed:"
                " the contract has no free-text question type"
            )
            continue
        conversion.add(
            "evaluation_answers",
            {
                "evaluation_id": evaluation_id,
                "revision": 1,
                "question_id": question_id,
                "answer": answer,
                "comment": (question.get("answer") or {}).get("notes") or None,
            },
        )
    return conversion


# --- Contact Lens analysis output ----------------------------------------------------------


def _milliseconds_between(start: str, moment: str) -> int:
    def parse(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    return round((parse(moment) - parse(start)).total_seconds() * 1000)


def convert_contact_lens(document: dict, path: Path, contact_id: str | None) -> Conversion:
    """Contact Lens analysis output (chat or voice) → one `transcripts` row per message turn.

    Chat events (joined, left, ended) are not turns. Voice turns carry their offsets; a chat
    message is a moment, so both of its offsets are the milliseconds since the first message.
    """
    own_contact_id = (document.get("CustomerMetadata") or {}).get("ContactId")
    if own_contact_id and contact_id and own_contact_id != contact_id:
        raise AdapterError(
            path, None, f"CustomerMetadata.ContactId {own_contact_id} differs from contact_id given"
        )
    interaction_id = own_contact_id or contact_id
    if not interaction_id:
        raise AdapterError(
            path,
            None,
            "no CustomerMetadata.ContactId in this Contact Lens file",
            "Give the contact with the option contact_id (qm import ... --set contact_id=<id>),"
            " importing such files one at a time.",
        )
    roles = {
        participant.get("ParticipantId"): participant.get("ParticipantRole")
        for participant in document.get("Participants") or []
    }
    channel = document.get("Channel")
    conversion = Conversion(path)
    first_time = None
    for index, entry in enumerate(document.get("Transcript") or []):
        if entry.get("Type", "MESSAGE") != "MESSAGE":
            continue
        role = entry.get("ParticipantRole") or roles.get(entry.get("ParticipantId"))
        if role not in SPEAKERS:
            raise AdapterError(
                path,
                f"Transcript[{index}]",
                f"ParticipantRole {role!r} is not AGENT, CUSTOMER or SYSTEM",
            )
        if channel == "CHAT":
            moment = _require(
                entry.get("AbsoluteTime"), path, f"Transcript[{index}]", "AbsoluteTime"
            )
            first_time = first_time or moment
            try:
                begin = end = _milliseconds_between(first_time, moment)
            except ValueError:
                raise AdapterError(
                    path, f"Transcript[{index}]", f"AbsoluteTime {moment!r} is not ISO-8601"
                ) from None
        else:
            begin, end = entry.get("BeginOffsetMillis"), entry.get("EndOffsetMillis")
        conversion.add(
            "transcripts",
            {
                "interaction_id": interaction_id,
                "turn_index": len(conversion.rows.get("transcripts", [])),
                "speaker": SPEAKERS[role],
                "begin_offset_ms": begin,
                "end_offset_ms": end,
                "text": entry.get("Content"),
            },
        )
    return conversion


# --- contact trace records -------------------------------------------------------------------


def agent_id_from_arn(arn: str | None) -> str | None:
    """The agent's id, the last part of `…/agent/<id>`: the id evaluation output calls agentId."""
    return arn.rsplit("/", 1)[-1] if arn else None


def _direction(record: dict, by_contact: dict[str, dict], path: Path, label: str) -> str:
    method = record.get("InitiationMethod")
    if method in DIRECTIONS:
        return DIRECTIONS[method]
    if method == "API" and record.get("Channel") in API_DIRECTIONS:
        return API_DIRECTIONS[record["Channel"]]
    if method in TRANSFER_METHODS:
        initial = by_contact.get(record.get("InitialContactId") or "")
        if initial is not None and initial is not record:
            return _direction(initial, by_contact, path, label)
        raise AdapterError(
            path,
            label,
            f"InitiationMethod {method}: the direction is the initial contact's"
            f" ({record.get('InitialContactId')}), which is not in this file",
            "Import the transferred contact together with its initial contact's record.",
        )
    raise AdapterError(
        path,
        label,
        f"InitiationMethod {method!r} has no direction in the contract (inbound, outbound)",
    )


def _interaction(record: dict, by_contact: dict[str, dict], path: Path, label: str) -> dict:
    contact_id = record["ContactId"]
    channel = record.get("Channel")
    if channel not in CHANNELS:
        raise AdapterError(
            path,
            label,
            f"Channel {channel!r} is not in the landing contract"
            f" ({', '.join(domain(INTERACTIONS, 'channel'))})",
        )
    agent = record.get("Agent") or {}
    queue = record.get("Queue") or {}
    answered_at = agent.get("ConnectedToAgentTimestamp")
    connected = bool(answered_at)
    return {
        "interaction_id": contact_id,
        "channel": CHANNELS[channel],
        "direction": _direction(record, by_contact, path, label),
        "queue": _require(queue.get("Name"), path, label, "Queue.Name"),
        "agent_id": agent_id_from_arn(agent.get("ARN")),
        "started_at": _require(
            record.get("InitiationTimestamp"), path, label, "InitiationTimestamp"
        ),
        "answered_at": answered_at,
        "ended_at": _require(record.get("DisconnectTimestamp"), path, label, "DisconnectTimestamp"),
        "queue_seconds": queue.get("Duration"),
        "talk_seconds": agent.get("AgentInteractionDuration") if connected else 0,
        "hold_seconds": agent.get("CustomerHoldDuration") if connected else 0,
        "after_contact_work_seconds": agent.get("AfterContactWorkDuration") if connected else 0,
        "hold_count": agent.get("NumberOfHolds") if connected else 0,
        "transfer_count": int(
            bool(record.get("TransferCompletedTimestamp") or record.get("TransferredToEndpoint"))
        ),
        "abandoned": not connected,
        "updated_at": record.get("LastUpdateTimestamp"),
    }


def convert_contact_records(records: list[Any], path: Path) -> Conversion:
    """Contact trace records → `interactions`, one row per distinct ContactId + LastUpdateTimestamp.

    Connect delivers records at least once: the same record twice is landed once; several
    updates of one contact are all landed with their `updated_at`, and the warehouse keeps the
    latest. Two different records with the same ContactId and LastUpdateTimestamp are refused.
    """
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise AdapterError(path, index, "a contact trace record must be a JSON object")
        _require(record.get("ContactId"), path, index, "ContactId")
    by_contact: dict[str, dict] = {}
    for record in records:  # the latest update of each contact, for transfer directions
        current = by_contact.get(record["ContactId"])
        if current is None or str(record.get("LastUpdateTimestamp")) > str(
            current.get("LastUpdateTimestamp")
        ):
            by_contact[record["ContactId"]] = record
    conversion = Conversion(path)
    landed: dict[tuple[str, Any], dict] = {}
    for index, record in enumerate(records):
        label = f"record {index} (ContactId {record['ContactId']})"
        identity = (record["ContactId"], record.get("LastUpdateTimestamp"))
        if identity in landed:
            if landed[identity] != record:
                raise AdapterError(
                    path,
                    label,
                    "differs from an earlier record with the same ContactId and"
                    f" LastUpdateTimestamp {identity[1]}",
                )
            continue
        landed[identity] = record
        conversion.add("interactions", _interaction(record, by_contact, path, label))
    return conversion


# --- the adapter ---------------------------------------------------------------------------------


class AmazonConnectAdapter(Adapter):
    name = "amazon-connect"
    source_kinds = (
        "Contact Lens evaluation-form output JSON (schemaVersion 3.x)",
        "Contact Lens analysis output JSON, chat and voice",
        "contact trace records: JSON array or JSONL",
    )
    options = {
        "contact_id": "ContactId of a Contact Lens file without CustomerMetadata (one file at a time)",
        "evaluation_type": "evaluation_type of imported evaluations: standard (default) or calibration",
    }

    def __init__(self, contact_id: str | None = None, evaluation_type: str = "standard"):
        self.contact_id = contact_id
        self.contact_id_used_by: Path | None = None
        self.evaluation_type = evaluation_type

    def convert_file(self, path: Path) -> Conversion:
        document = load_json_records(path)
        if isinstance(document, list):
            return convert_contact_records(document, path)
        if isinstance(document, dict) and "evaluationId" in document:
            version = str(document.get("schemaVersion", ""))
            if not version.startswith("3."):
                raise AdapterError(path, None, f"evaluation schemaVersion {version!r} is not 3.x")
            return convert_evaluation(document, path, self.evaluation_type)
        if isinstance(document, dict) and "Transcript" in document:
            if not (document.get("CustomerMetadata") or {}).get("ContactId") and self.contact_id:
                # the option names one contact: it must not be given to a second file
                if self.contact_id_used_by not in (None, path):
                    raise AdapterError(
                        path,
                        None,
                        f"contact_id {self.contact_id} was already given to"
                        f" {self.contact_id_used_by}; import files without a ContactId one"
                        " at a time",
                    )
                self.contact_id_used_by = path
            return convert_contact_lens(document, path, self.contact_id)
        if isinstance(document, dict) and "ContactId" in document:
            return convert_contact_records([document], path)
        raise AdapterError(
            path,
            None,
            "not an Amazon Connect export this adapter reads (evaluation-form output,"
            " Contact Lens analysis output or contact trace records)",
        )
