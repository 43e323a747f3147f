"""Amazon Connect adapter: evaluation-form output, Contact Lens chat/voice and contact trace
records into landing-contract rows. Expected values are typed from the sample files (see
tests/fixtures/amazon_connect/README.md) or counted from them with json.load here."""

from __future__ import annotations

import json
import shutil

import pytest

from orchestration.adapters import AdapterError, make_adapter, write_conversion
from orchestration.cli import main
from tests.conftest import FIXTURES

SAMPLES = FIXTURES / "amazon_connect"
VOICE_CONTACT = "5c2f7a9e-1b3d-4e8f-9a0b-c1d2e3f4a5b6"  # in ctr-records.jsonl, made up


def convert(name: str, **options):
    return make_adapter("amazon-connect", **options).convert_file(SAMPLES / name)


def by_contact(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["interaction_id"], []).append(row)
    return grouped


# --- evaluation-form output ------------------------------------------------------------------


def test_evaluation_output_becomes_one_evaluation_with_metadata_fields():
    (evaluation,) = convert("evaluation-form-output.json").rows["evaluations"]
    assert evaluation == {
        "evaluation_id": "fb90de35-4507-479a-8b57-970290fd5c2c",
        "revision": 1,
        "interaction_id": "badd4896-75f7-43b3-bee6-c617ed3d04cb",
        "agent_id": "286bcec0-e722-4166-865f-84db80252218",
        "evaluator_id": "jane",
        "form_id": "15d8fbf1-b4b2-4ace-869b-82714e2f6e3e",
        "form_version": 2,
        "evaluation_type": "standard",
        "started_at": "2022-11-14T17:57:08.649Z",
        "submitted_at": "2022-11-14T17:59:29.052Z",
        "updated_at": None,
    }


def test_evaluation_answers_map_na_flag_selected_yes_and_notes_and_skip_text_question():
    conversion = convert("evaluation-form-output.json")
    answers = {row["question_id"]: row for row in conversion.rows["evaluation_answers"]}
    # q570b206a: NUMERIC, value "" with notApplicable true; q73bc5b9d: option "Yes" selected;
    # qc2effc9d: TEXT, which the contract cannot hold.
    assert answers["q570b206a"]["answer"] == "na"
    assert answers["q73bc5b9d"]["answer"] == "yes"
    assert answers["q73bc5b9d"]["comment"] == "Add more information here"
    assert set(answers) == {"q570b206a", "q73bc5b9d"}
    assert any("qc2effc9d" in note and "TEXT" in note for note in conversion.notes)


def test_evaluation_type_comes_from_the_explicit_option():
    (evaluation,) = convert("evaluation-form-output.json", evaluation_type="calibration").rows[
        "evaluations"
    ]
    assert evaluation["evaluation_type"] == "calibration"


def test_selected_option_other_than_yes_or_no_is_refused(tmp_path):
    document = json.loads((SAMPLES / "evaluation-form-output.json").read_text())
    for option in document["questions"][1]["answer"]["values"]:
        option["selected"] = option["valueText"] == "Maybe"
    path = tmp_path / "maybe.json"
    path.write_text(json.dumps(document))
    with pytest.raises(AdapterError) as error:
        make_adapter("amazon-connect").convert_file(path)
    first_line = str(error.value).splitlines()[0]
    assert str(path) in first_line and "question q73bc5b9d" in first_line
    assert "'Maybe' is not Yes or No" in first_line


def test_numeric_answer_becomes_its_number(tmp_path):
    document = json.loads((SAMPLES / "evaluation-form-output.json").read_text())
    document["questions"][0]["answer"] = {"value": 7, "metadata": {"notApplicable": False}}
    path = tmp_path / "seven.json"
    path.write_text(json.dumps(document))
    answers = make_adapter("amazon-connect").convert_file(path).rows["evaluation_answers"]
    assert answers[0]["question_id"] == "q570b206a" and answers[0]["answer"] == "7"


# --- Contact Lens analysis output ------------------------------------------------------------


def test_chat_transcript_has_one_turn_per_message_in_order():
    document = json.loads((SAMPLES / "contact-lens-chat.json").read_text())
    messages = [entry for entry in document["Transcript"] if entry["Type"] == "MESSAGE"]
    turns = convert("contact-lens-chat.json").rows["transcripts"]
    assert len(turns) == len(messages) == 31  # 35 entries, 4 of them join/leave/end events
    assert [turn["turn_index"] for turn in turns] == list(range(31))
    assert {turn["interaction_id"] for turn in turns} == {"b49644f6-672f-445c-b209-f76b36482830"}
    first_customer = next(turn for turn in turns if turn["speaker"] == "customer")
    assert first_customer["turn_index"] == 4  # after three system messages and the agent's hello
    assert first_customer["text"] == (
        "I'd like to see if I can get a refund or an exchange, because I ordered one of your"
        " grow-it-yourself indoor herb garden kits and nothing sprouted after a couple weeks so I"
        " think something is wrong with the seeds and this product may be defective."
    )
    assert [turn["speaker"] for turn in turns[:5]] == ["system"] * 3 + ["agent", "customer"]


def test_chat_offsets_are_milliseconds_since_the_first_message():
    turns = convert("contact-lens-chat.json").rows["transcripts"]
    # first message 03:31:53.390, first customer message 03:32:08.102, last 03:34:41.448
    assert (turns[0]["begin_offset_ms"], turns[0]["end_offset_ms"]) == (0, 0)
    assert (turns[4]["begin_offset_ms"], turns[4]["end_offset_ms"]) == (14_712, 14_712)
    assert turns[-1]["begin_offset_ms"] == 168_058


def test_voice_transcript_takes_offsets_and_roles_from_participants():
    turns = convert("contact-lens-voice.repaired.json", contact_id=VOICE_CONTACT).rows[
        "transcripts"
    ]
    assert len(turns) == 10
    assert [turn["speaker"] for turn in turns] == ["agent", "customer"] * 5
    assert turns[3] == {
        "interaction_id": VOICE_CONTACT,
        "turn_index": 3,
        "speaker": "customer",
        "begin_offset_ms": 7370,
        "end_offset_ms": 11190,
        "text": "I need to cancel. I want to cancel my plan subscription.",
    }


def test_voice_file_without_contact_id_is_refused_unless_given():
    with pytest.raises(AdapterError) as error:
        convert("contact-lens-voice.repaired.json")
    first_line = str(error.value).splitlines()[0]
    assert "contact-lens-voice.repaired.json" in first_line
    assert "no CustomerMetadata.ContactId" in first_line


def test_published_voice_example_is_rejected_naming_file_line_and_column():
    with pytest.raises(AdapterError) as error:
        convert("contact-lens-voice.as-published.json", contact_id=VOICE_CONTACT)
    first_line = str(error.value).splitlines()[0]
    # json.load of the file fails with "Extra data: line 297 column 1 (char 9228)"
    assert first_line == (
        f"{SAMPLES / 'contact-lens-voice.as-published.json'}: not valid JSON: Extra data at"
        " line 297 column 1"
    )


# --- contact trace records -------------------------------------------------------------------


def test_ctr_same_record_twice_lands_once_and_each_update_keeps_its_updated_at():
    rows = by_contact(convert("ctr-records.jsonl").rows["interactions"])
    # 5 lines: the chat contact twice (identical), the evaluated contact's two updates, voice
    assert len(rows["b49644f6-672f-445c-b209-f76b36482830"]) == 1
    updates = rows["badd4896-75f7-43b3-bee6-c617ed3d04cb"]
    assert [(row["updated_at"], row["after_contact_work_seconds"]) for row in updates] == [
        ("2022-11-14T17:15:30Z", 60),
        ("2022-11-14T17:42:03Z", 95),
    ]
    assert sum(len(contact_rows) for contact_rows in rows.values()) == 4


def test_ctr_fields_map_to_interaction_columns():
    (chat,) = by_contact(convert("ctr-records.jsonl").rows["interactions"])[
        "b49644f6-672f-445c-b209-f76b36482830"
    ]
    assert chat == {
        "interaction_id": "b49644f6-672f-445c-b209-f76b36482830",
        "channel": "chat",
        "direction": "inbound",  # API on a chat: the customer started it (StartChatContact)
        "queue": "BasicQueue",
        "agent_id": "f36a545d-67b2-4fd4-89fb-896136b609a7",  # the last part of Agent.ARN
        "started_at": "2022-10-27T03:31:50Z",
        "answered_at": "2022-10-27T03:32:00Z",
        "ended_at": "2022-10-27T03:34:43Z",
        "queue_seconds": 3,
        "talk_seconds": 163,
        "hold_seconds": 0,
        "after_contact_work_seconds": 20,
        "hold_count": 0,
        "transfer_count": 0,
        "abandoned": False,
        "updated_at": "2022-10-27T03:36:10Z",
    }


def test_ctr_json_array_outbound_abandoned_and_transfers():
    rows = {row["interaction_id"]: row for row in convert("ctr-records.json").rows["interactions"]}
    assert rows["7e1d2c3b-4a59-4687-9b0a-1c2d3e4f5a6b"]["direction"] == "outbound"
    abandoned = rows["2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"]
    assert abandoned["abandoned"] is True and abandoned["agent_id"] is None
    assert (abandoned["answered_at"], abandoned["queue_seconds"], abandoned["talk_seconds"]) == (
        None,
        150,
        0,
    )
    # TRANSFER takes the direction of its InitialContactId (an API chat: inbound)
    assert rows["6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c"]["direction"] == "inbound"
    transferred_out = rows["8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d"]
    assert (transferred_out["transfer_count"], transferred_out["hold_count"]) == (1, 2)
    assert rows["4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"]["transfer_count"] == 0


def ctr_file(tmp_path, **changes) -> object:
    record = json.loads((SAMPLES / "ctr-records.jsonl").read_text().splitlines()[0])
    record.update(changes)
    path = tmp_path / "ctr.jsonl"
    path.write_text(json.dumps(record) + "\n")
    return path


def test_ctr_channel_outside_the_contract_is_refused_naming_the_contact(tmp_path):
    path = ctr_file(tmp_path, Channel="TASK")
    with pytest.raises(AdapterError) as error:
        make_adapter("amazon-connect").convert_file(path)
    first_line = str(error.value).splitlines()[0]
    assert first_line.startswith(f"{path}: record 0 (ContactId b49644f6-")
    assert "Channel 'TASK' is not in the landing contract" in first_line


@pytest.mark.parametrize(
    "changes", [{"Agent": "jane"}, {"Queue": ["billing"]}], ids=["agent_a_string", "queue_a_list"]
)
def test_a_record_of_an_unexpected_shape_is_refused_naming_the_file(tmp_path, changes):
    path = ctr_file(tmp_path, **changes)
    with pytest.raises(AdapterError) as error:
        make_adapter("amazon-connect").convert(path)
    assert str(error.value).splitlines()[0].startswith(f"{path}: unexpected structure (")


def test_ctr_transfer_without_its_initial_contact_is_refused(tmp_path):
    path = ctr_file(tmp_path, InitiationMethod="TRANSFER", InitialContactId="not-in-this-file")
    with pytest.raises(AdapterError, match="direction is the initial contact's"):
        make_adapter("amazon-connect").convert_file(path)


def test_ctr_two_different_records_with_same_update_time_are_refused(tmp_path):
    line = (SAMPLES / "ctr-records.jsonl").read_text().splitlines()[0]
    changed = json.loads(line)
    changed["Queue"]["Name"] = "OtherQueue"
    path = tmp_path / "ctr.jsonl"
    path.write_text(line + "\n" + json.dumps(changed) + "\n")
    with pytest.raises(AdapterError, match="record 1 .*same ContactId and LastUpdateTimestamp"):
        make_adapter("amazon-connect").convert_file(path)


# --- writing and the command -----------------------------------------------------------------


def test_updates_of_one_contact_land_in_successive_files(tmp_path):
    conversion = convert("ctr-records.jsonl")
    written = write_conversion(conversion, tmp_path, "amazon-connect")
    assert [(file.path.name, file.rows) for file in written] == [
        ("amazon-connect-ctr-records.jsonl.jsonl", 3),
        ("amazon-connect-ctr-records.jsonl.restated-2.jsonl", 1),
    ]
    later = json.loads((tmp_path / "interactions" / written[1].path.name).read_text())
    assert later["updated_at"] == "2022-11-14T17:42:03Z"


def test_same_input_gives_byte_identical_files_and_a_reimport_changes_nothing(tmp_path):
    names = ["evaluation-form-output.json", "contact-lens-chat.json", "ctr-records.json"]
    first, second = tmp_path / "first", tmp_path / "second"
    for landing in (first, second):
        for name in names:
            write_conversion(convert(name), landing, "amazon-connect")
    files = sorted(path.relative_to(first) for path in first.rglob("*.jsonl"))
    assert len(files) == 4  # evaluations, evaluation_answers, transcripts, interactions
    for relative in files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes()
    again = write_conversion(convert("ctr-records.json"), first, "amazon-connect")
    assert [file.unchanged for file in again] == [True]


def test_landed_file_with_other_content_is_not_overwritten(tmp_path):
    write_conversion(convert("ctr-records.json"), tmp_path, "amazon-connect")
    source = tmp_path / "source" / "ctr-records.json"
    source.parent.mkdir()
    records = json.loads((SAMPLES / "ctr-records.json").read_text())
    source.write_text(json.dumps(records[:2]))
    conversion = make_adapter("amazon-connect").convert_file(source)
    with pytest.raises(FileExistsError, match="landing files are immutable"):
        write_conversion(conversion, tmp_path, "amazon-connect")


def test_import_command_converts_good_files_and_exits_1_naming_the_rejected_one(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("QM_LANDING", str(tmp_path / "unused"))
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in ("contact-lens-chat.json", "contact-lens-voice.as-published.json"):
        shutil.copy(SAMPLES / name, exports / name)
    landing = tmp_path / "landing"
    code = main(
        [
            "import",
            "amazon-connect",
            str(exports / "contact-lens-voice.as-published.json"),
            str(exports / "contact-lens-chat.json"),
            "--landing",
            str(landing),
        ]
    )
    output = capsys.readouterr()
    assert code == 1
    assert "contact-lens-voice.as-published.json: not valid JSON: Extra data at line 297" in (
        output.err
    )
    assert "transcripts: 31 rows" in output.out
    assert (landing / "transcripts" / "amazon-connect-contact-lens-chat.json.jsonl").exists()
    assert not list(landing.rglob("*as-published*"))


def test_import_command_refuses_an_unknown_option(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QM_LANDING", str(tmp_path))
    code = main(["import", "amazon-connect", "x.json", "--set", "agent=7"])
    assert code == 2
    assert "has no option agent" in capsys.readouterr().err


def test_jsonl_line_that_does_not_parse_is_named(tmp_path):
    lines = (SAMPLES / "ctr-records.jsonl").read_text().splitlines()
    path = tmp_path / "ctr.jsonl"
    path.write_text("\n".join([lines[0], lines[1][:-1]]) + "\n")  # second record cut short
    with pytest.raises(AdapterError, match=r"ctr.jsonl: not valid JSONL: line 2 column"):
        make_adapter("amazon-connect").convert_file(path)


def test_file_that_is_not_utf8_is_refused_naming_it(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"evaluationId": "Jos\xe9"}'.encode("latin-1"))  # é is byte 21 (from 0)
    with pytest.raises(AdapterError, match=r"latin1.json: not UTF-8: byte 21 "):
        make_adapter("amazon-connect").convert_file(path)


def test_contact_id_option_is_refused_for_a_second_file_without_contact_id(tmp_path):
    second = tmp_path / "second-voice.json"
    shutil.copy(SAMPLES / "contact-lens-voice.repaired.json", second)
    adapter = make_adapter("amazon-connect", contact_id=VOICE_CONTACT)
    adapter.convert_file(SAMPLES / "contact-lens-voice.repaired.json")
    with pytest.raises(AdapterError, match="second-voice.json: contact_id .* was already given"):
        adapter.convert_file(second)


def test_refused_landing_writes_none_of_the_conversion(tmp_path):
    conversion = convert("evaluation-form-output.json")
    clash = tmp_path / "evaluations" / "amazon-connect-evaluation-form-output.json.jsonl"
    clash.parent.mkdir()
    clash.write_text("{}\n")  # evaluation_answers sorts first: it must not be written either
    with pytest.raises(FileExistsError):
        write_conversion(conversion, tmp_path, "amazon-connect")
    assert not (tmp_path / "evaluation_answers").exists()
