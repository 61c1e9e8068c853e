"""Every VRMDS rule rejects a dataset that breaks it, with FILE:ROW:COLUMN and a plain reason.

Each case starts from the valid example and changes one thing.
"""

import pytest

from vocrehab.interchange.vrmds.validate import nhs_number_valid, validate_dataset

from .helpers import TODAY, read_example, write_dataset

E, C, ON, M = "episodes.csv", "contacts.csv", "onward.csv", "measures.csv"

# (file, data row index, column, new value, expected "FILE:ROW:COLUMN" prefix, words in message)
CELL_CASES = [
    # required values
    (E, 0, "episode_id", "", "episodes.csv:2:episode_id", "required"),
    (E, 0, "client_id", "", "episodes.csv:2:client_id", "required"),
    (E, 0, "service_code", "", "episodes.csv:2:service_code", "required"),
    (E, 0, "referral_date", "", "episodes.csv:2:referral_date", "required"),
    (E, 0, "referral_source", "", "episodes.csv:2:referral_source", "required"),
    (E, 0, "condition", "", "episodes.csv:2:condition", "required"),
    (E, 0, "work_status_at_referral", "", "episodes.csv:2:work_status_at_referral", "required"),
    (E, 0, "main_reason", "", "episodes.csv:2:main_reason", "required"),
    (C, 0, "mode", "", "contacts.csv:2:mode", "required"),
    (ON, 0, "category", "", "onward.csv:2:category", "required"),
    (M, 0, "value", "", "measures.csv:2:value", "required"),
    # text lengths
    (E, 0, "episode_id", "E" * 65, "episodes.csv:2:episode_id", "65 characters"),
    (E, 0, "client_id", "P" * 65, "episodes.csv:2:client_id", "most allowed is 64"),
    (E, 0, "service_code", "S" * 33, "episodes.csv:2:service_code", "most allowed is 32"),
    # dates
    (
        E,
        0,
        "referral_date",
        "2024-13-01",
        "episodes.csv:2:referral_date",
        "not a date; use YYYY-MM-DD",
    ),
    (E, 0, "referral_date", "08/01/2024", "episodes.csv:2:referral_date", "not a date"),
    (E, 0, "diagnosis_date", "20230620", "episodes.csv:2:diagnosis_date", "not a date"),
    (C, 0, "contact_date", "2024-02-30", "contacts.csv:2:contact_date", "not a date"),
    (ON, 0, "date", "soon", "onward.csv:2:date", "not a date"),
    (M, 0, "date", "2024-1-12", "measures.csv:2:date", "not a date"),
    # no date in the future
    (E, 1, "diagnosis_date", "2026-01-02", "episodes.csv:3:diagnosis_date", "in the future"),
    (C, 0, "contact_date", "2030-01-01", "contacts.csv:2:contact_date", "in the future"),
    # whole numbers and their ranges
    (E, 0, "age_at_referral", "fifty", "episodes.csv:2:age_at_referral", "not a whole number"),
    (E, 0, "age_at_referral", "15", "episodes.csv:2:age_at_referral", "16 to 100"),
    (E, 0, "age_at_referral", "101", "episodes.csv:2:age_at_referral", "16 to 100"),
    (E, 0, "age_at_referral", "52.5", "episodes.csv:2:age_at_referral", "not a whole number"),
    (
        E,
        0,
        "deprivation_rank",
        "0",
        "episodes.csv:2:deprivation_rank",
        "below the lowest allowed, 1",
    ),
    (E, 0, "deprivation_decile", "11", "episodes.csv:2:deprivation_decile", "1 to 10"),
    (E, 0, "deprivation_decile", "0", "episodes.csv:2:deprivation_decile", "1 to 10"),
    (E, 0, "weeks_absent_at_referral", "-1", "episodes.csv:2:weeks_absent_at_referral", "below"),
    (C, 0, "minutes", "-5", "contacts.csv:2:minutes", "below the lowest allowed, 0"),
    (C, 0, "minutes", "half an hour", "contacts.csv:2:minutes", "not a whole number"),
    # codes from the lists
    (E, 0, "referral_source", "gp", "episodes.csv:2:referral_source", "not a referral source code"),
    (E, 0, "sex", "F", "episodes.csv:2:sex", "not a sex code"),
    (E, 0, "ethnicity", "Q", "episodes.csv:2:ethnicity", "not a ethnic category code"),
    (
        E,
        0,
        "deprivation_index",
        "simd2016",
        "episodes.csv:2:deprivation_index",
        "deprivation index",
    ),
    (E, 0, "condition", "breast", "episodes.csv:2:condition", "not a condition code"),
    (E, 0, "occupation", "10", "episodes.csv:2:occupation", "not a occupation code"),
    (
        E,
        0,
        "work_status_at_referral",
        "sick",
        "episodes.csv:2:work_status_at_referral",
        "work status",
    ),
    (
        E,
        0,
        "work_status_at_discharge",
        "working",
        "episodes.csv:2:work_status_at_discharge",
        "work status",
    ),
    (E, 0, "work_status_at_followup", "x", "episodes.csv:2:work_status_at_followup", "work status"),
    (E, 0, "main_reason", "rtw", "episodes.csv:2:main_reason", "not a main reason code"),
    (E, 0, "tier", "4", "episodes.csv:2:tier", "not a tier code"),
    (E, 0, "engagement", "yes", "episodes.csv:2:engagement", "not a engagement code"),
    (C, 0, "mode", "skype", "contacts.csv:2:mode", "not a mode code"),
    (C, 0, "with", "manager", "contacts.csv:2:with", "contact-with"),
    (
        C,
        0,
        "interventions",
        "assessment;coffee",
        "contacts.csv:2:interventions",
        '"coffee" is not an intervention code',
    ),
    (
        C,
        0,
        "interventions",
        "assessment,goal_setting",
        "contacts.csv:2:interventions",
        'separate codes with ";"',
    ),
    (ON, 0, "kind", "refer", "onward.csv:2:kind", "not a kind code"),
    (ON, 0, "category", "money", "onward.csv:2:category", "not a category code"),
    (M, 0, "timepoint", "baseline", "measures.csv:2:timepoint", "not a timepoint code"),
    # NHS / CHI number
    (E, 0, "nhs_number", "9434765918", "episodes.csv:2:nhs_number", "check digit"),
    (E, 0, "nhs_number", "943 476 5919", "episodes.csv:2:nhs_number", "10 digits"),
    (E, 0, "nhs_number", "943476591", "episodes.csv:2:nhs_number", "10 digits"),
    # condition detail for cancer is an ICD-10 site
    (E, 0, "condition_detail", "breast", "episodes.csv:2:condition_detail", "ICD-10"),
    # deprivation
    (E, 0, "deprivation_rank", "7000", "episodes.csv:2:deprivation_rank", "6,976 areas"),
    # measures: instrument, item, value
    (M, 0, "instrument", "sf36", "measures.csv:2:instrument", "not a VRMDS instrument"),
    (M, 0, "instrument", "hna", "measures.csv:2:instrument", "not a VRMDS instrument"),
    (M, 0, "item", "walking", "measures.csv:2:item", "not an item of eq5d5l"),
    (M, 0, "value", "6", "measures.csv:2:value", "outside 1–5"),
    (M, 0, "value", "0", "measures.csv:2:value", "outside 1–5"),
    (M, 0, "value", "2.5", "measures.csv:2:value", "not a whole number"),
    (M, 0, "value", "two", "measures.csv:2:value", "not a number"),
    (M, 5, "value", "101", "measures.csv:7:value", "outside 0–100"),
    (M, 12, "value", "22", "measures.csv:14:value", "outside 0–21"),
    (M, 16, "value", "5", "measures.csv:18:value", "outside 1–4"),
    (M, 17, "value", "2", "measures.csv:19:value", "outside 0–1"),
    (M, 16, "timepoint", "entry", "measures.csv:18:timepoint", "only at: discharge"),
    # references to episodes
    (C, 0, "episode_id", "EX-9", "contacts.csv:2:episode_id", 'no episode "EX-9"'),
    (ON, 0, "episode_id", "EX-9", "onward.csv:2:episode_id", 'no episode "EX-9"'),
    (M, 0, "episode_id", "EX-9", "measures.csv:2:episode_id", 'no episode "EX-9"'),
    # episode rules
    (
        E,
        1,
        "episode_id",
        "EX-1",
        "episodes.csv:3:episode_id",
        "already used in service DEMO-SCOT at row 2",
    ),
    (
        E,
        3,
        "previous_episode_id",
        "EX-7",
        "episodes.csv:5:previous_episode_id",
        'no episode "EX-7"',
    ),
    (E, 3, "previous_episode_id", "EX-4", "episodes.csv:5:previous_episode_id", "its own previous"),
    (E, 0, "previous_episode_id", "EX-4", "episodes.csv:2:previous_episode_id", "not earlier"),
    (
        E,
        3,
        "previous_episode_id",
        "EX-2",
        "episodes.csv:5:previous_episode_id",
        "different client_id",
    ),
    (
        E,
        0,
        "work_status_at_discharge",
        "",
        "episodes.csv:2:work_status_at_discharge",
        "discharge_date",
    ),
    (
        E,
        0,
        "first_contact_date",
        "2024-01-07",
        "episodes.csv:2:first_contact_date",
        "before referral_date 2024-01-08",
    ),
    (
        E,
        0,
        "assessment_date",
        "2024-01-08",
        "episodes.csv:2:assessment_date",
        "before first_contact_date 2024-01-09",
    ),
    (
        E,
        0,
        "discharge_date",
        "2024-01-10",
        "episodes.csv:2:discharge_date",
        "before assessment_date 2024-01-12",
    ),
    (
        E,
        0,
        "followup_date",
        "2024-05-02",
        "episodes.csv:2:followup_date",
        "before discharge_date 2024-05-03",
    ),
    (
        E,
        2,
        "assessment_date",
        "2024-03-05",
        "episodes.csv:4:engagement",
        "did_not_engage means never assessed",
    ),
]


def _ids(case):
    return f"{case[4]}={case[3][:12]}"


@pytest.mark.parametrize("case", CELL_CASES, ids=[_ids(c) for c in CELL_CASES])
def test_each_rule_rejects_a_breaking_cell(tmp_path, case):
    file, index, column, value, where, words = case
    files = read_example()
    files[file][index][column] = value
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    lines = [str(e) for e in result.errors]
    assert any(line.startswith(where + ": ") and words in line for line in lines), lines


def test_decile_must_match_rank(tmp_path):
    files = read_example()
    # Rank 512 of SIMD 2020's 6,976 data zones is decile ceil(10 x 512 / 6976) = 1.
    files[E][0]["deprivation_decile"] = "2"
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        "episodes.csv:2:deprivation_decile: decile 2 does not match rank 512 of 6,976 in "
        "simd2020, which is decile 1"
    ]
    files[E][0]["deprivation_decile"] = "1"
    assert validate_dataset(write_dataset(tmp_path, files), today=TODAY).is_valid


def test_rank_needs_an_index(tmp_path):
    files = read_example()
    files[E][0]["deprivation_index"] = ""
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        "episodes.csv:2:deprivation_rank: a rank needs a deprivation_index to say which index "
        "it is a rank in"
    ]


def test_a_message_a_manager_can_act_on(tmp_path):
    files = read_example()
    files[E][0]["referral_date"] = "2024-13-01"
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert str(result.errors[0]) == (
        'episodes.csv:2:referral_date: "2024-13-01" is not a date; use YYYY-MM-DD'
    )


def test_the_same_episode_id_in_two_services_is_allowed_but_children_cannot_use_it(tmp_path):
    files = read_example()
    other = dict(files[E][1], service_code="OTHER-VR", episode_id="EX-2", client_id="Q-2")
    files[E].append(other)
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        'contacts.csv:5:episode_id: episode "EX-2" exists in more than one service, so this row '
        "cannot say which; give episodes ids that are unique across the dataset"
    ]


def test_previous_episode_may_come_later_in_the_file(tmp_path):
    files = read_example()
    files[E].reverse()
    assert validate_dataset(write_dataset(tmp_path, files), today=TODAY).is_valid


def test_previous_episode_must_be_in_the_same_service(tmp_path):
    files = read_example()
    for row in files[E]:
        if row["episode_id"] == "EX-4":
            row["service_code"] = "OTHER-VR"
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        'episodes.csv:5:previous_episode_id: there is no episode "EX-1" in this service to be '
        "the previous one"
    ]


def test_chi_number_with_mod_10_check_digit_is_accepted(tmp_path):
    files = read_example()
    # A CHI (born 01/01/01) whose last digit is the Luhn digit (3), not the Modulus 11 one (4).
    files[E][1]["nhs_number"] = "0101012003"
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert result.is_valid, [str(e) for e in result.errors]


def test_unknown_column_is_an_error_unless_local(tmp_path):
    files = read_example()
    for row in files[C]:
        row["colour"] = ""
        row["x_room"] = "3B"
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        "contacts.csv:1:colour: this column is not in VRMDS; local columns must start with x_"
    ]


def test_missing_required_column_is_reported_once(tmp_path):
    files = read_example()
    for row in files[E]:
        del row["main_reason"]
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        "episodes.csv:1:main_reason: this required column is missing"
    ]


def test_optional_columns_may_be_left_out(tmp_path):
    files = read_example()
    for row in files[E]:
        for column in ("nhs_number", "ethnicity", "previous_episode_id", "occupation"):
            del row[column]
    assert validate_dataset(write_dataset(tmp_path, files), today=TODAY).is_valid


def test_episodes_file_is_required(tmp_path):
    files = read_example()
    del files[E]
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert [str(e) for e in result.errors] == ["episodes.csv: this required file is missing"]


def test_other_files_are_optional(tmp_path):
    files = read_example()
    result = validate_dataset(write_dataset(tmp_path, {E: files[E]}), today=TODAY)
    assert result.is_valid
    assert result.rows == {E: 4}


def test_unknown_file_is_an_error_unless_local(tmp_path):
    files = read_example()
    files["contact.csv"] = files[C]
    files["x_notes.csv"] = [{"note": "kept"}]
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("contact.csv: this is not a VRMDS file")


def test_row_of_the_wrong_width(tmp_path):
    folder = write_dataset(tmp_path, {E: read_example()[E]})
    text = (folder / E).read_text().splitlines()
    text[2] = text[2] + ",surplus"
    text[3] = ",".join(text[3].split(",")[:-3])
    (folder / E).write_text("\n".join(text) + "\n")
    lines = [str(e) for e in validate_dataset(folder, today=TODAY).errors]
    assert "episodes.csv:3: a value sits in a column with no name" in lines
    assert any(line.startswith("episodes.csv:4: this row has 25 values") for line in lines)


def test_follow_up_without_discharge_date_still_checks_order(tmp_path):
    files = read_example()
    files[E][0]["discharge_date"] = ""
    files[E][0]["work_status_at_discharge"] = ""
    files[E][0]["followup_date"] = "2024-01-10"
    lines = [str(e) for e in validate_dataset(write_dataset(tmp_path, files), today=TODAY).errors]
    assert lines == [
        "episodes.csv:2:followup_date: 2024-01-10 is before assessment_date 2024-01-12"
    ]


def test_today_defaults_to_the_real_date(tmp_path):
    files = read_example()
    files[C][0]["contact_date"] = "2999-01-01"
    result = validate_dataset(write_dataset(tmp_path, files))
    assert [e.column for e in result.errors] == ["contact_date"]


def test_mod_10_is_only_for_numbers_that_start_with_a_birth_date():
    assert nhs_number_valid("0101012003")  # Luhn, DDMMYY 010101
    assert not nhs_number_valid("3201012006")  # Luhn holds, but there is no 32nd day
    assert not nhs_number_valid("0101012005")
    assert nhs_number_valid("9434765919")  # Modulus 11 (FACTS.md worked example)
    assert nhs_number_valid("0101011237")  # CHI, Modulus 11


def test_a_contact_falls_within_its_episode(tmp_path):
    """The episode core's rule (a contact from the referral to the discharge), as the web
    and the API keep it: EX-1 was referred on 2024-01-08 and discharged on 2024-05-03."""
    files = read_example()
    files[C][0]["contact_date"] = "2024-01-07"
    files[C][2]["contact_date"] = "2024-05-04"
    result = validate_dataset(write_dataset(tmp_path / "outside", files), today=TODAY)
    assert [str(e) for e in result.errors] == [
        "contacts.csv:2:contact_date: 2024-01-07 is before the referral_date of episode EX-1 "
        "(2024-01-08)",
        "contacts.csv:4:contact_date: 2024-05-04 is after the discharge_date of episode EX-1 "
        "(2024-05-03)",
    ]
    # The referral day and the discharge day themselves are within it.
    files[C][0]["contact_date"] = "2024-01-08"
    files[C][2]["contact_date"] = "2024-05-03"
    assert validate_dataset(write_dataset(tmp_path / "inside", files), today=TODAY).is_valid
