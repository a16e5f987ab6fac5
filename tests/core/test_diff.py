"""`chatbot diff`: versions from files and git, its exit statuses, the sign-off, the writers, the scripts.

The claims themselves (every class true, none missed) are held in test_diff_claims.py;
here, what a reviewer sees and relies on.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chatbot.cli import main
from chatbot.flow.problems import FlowError
from chatbot.flowfile.hazards import load_hazards
from chatbot.flowfile.loader import bundled_flow_path, load_flow
from chatbot.review.report import review
from chatbot.review.revisions import read_version
from tests.helpers.flow_mutants import BUNDLED, mutant

CHILLS = "shaking chills with a low count no longer an emergency (target)"
GIT = shutil.which("git")


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return path


NEXT = BUNDLED["version"] + 1  # the version a change to the bundled flow makes


def signed(data: dict, *accepts: dict, reviewer: str | None = "Dr Rivera", version: int = NEXT) -> dict:
    """The data with a new version and a change-log entry accepting `accepts`."""
    data = copy.deepcopy(data)
    data["version"] = version
    entry = {"version": version, "date": "2026-12-07", "author": "Dr Okafor", "reason": "chills routed on"}
    if reviewer:
        entry["reviewer"] = reviewer
    if accepts:
        entry["accepts"] = list(accepts)
    data["changes"] = [change for change in data.get("changes", []) if change["version"] < version] + [entry]
    return data


CHILLS_PROFILE = {"known_low_white_count": [True, "unknown"],
                  "temperature": ["not_measured", {"at_least": 35.0, "below": 38.0}],
                  "temperature_highest": ["not_measured", {"below": 38.0}], "chills_shaking": True}
HEADINGS = ("DOWN-TRIAGE: THE NEW LEVEL IS LOWER", "UP-TRIAGE: THE NEW LEVEL IS HIGHER", "SAME LEVEL, ANOTHER OUTCOME")


# -- what changes, and the exit status -------------------------------------------------------------


def test_the_same_flow_twice_changes_nothing_and_exits_0(capsys):
    flow = str(bundled_flow_path())
    assert main(["diff", flow, flow]) == 0
    out = capsys.readouterr().out
    assert "0 classes of persons change" in out and "Nothing changed" in out


def test_a_down_triage_is_shown_first_with_its_rules_witness_and_statement(tmp_path, capsys):
    new = write(tmp_path / "new.yaml", mutant(CHILLS))
    assert main(["diff", str(bundled_flow_path()), str(new)]) == 1
    out = capsys.readouterr().out
    kinds = [line for line in out.splitlines() if line in HEADINGS]
    assert kinds == ["DOWN-TRIAGE: THE NEW LEVEL IS LOWER", "SAME LEVEL, ANOTHER OUTCOME"]
    first = " ".join(out.split("[1] ")[1].split("[2] ")[0].split())
    assert first.startswith("emergency → urgent rules: E2 → E2 outcomes: emergency_infection → urgent")
    assert "shaking chills or shivering that cannot be stopped" in first and "yes or not sure" in first
    assert "chills = yes → emergency_infection (emergency; E2)" in first
    assert "[the rules give emergency: UNDER-triage]" in first
    assert "NOT ACCEPTED" in first


@pytest.mark.parametrize("fail_on, accepted, status", [
    (None, False, 1),  # something changed
    ("down-triage", False, 1),  # a down-triage nobody accepted
    ("down-triage", True, 0),  # every down-triage accepted
    ("level", True, 1),  # levels changed, accepted or not
    ("any", True, 1),
])
def test_exit_status(fail_on, accepted, status, tmp_path, capsys):
    data = mutant(CHILLS)
    if accepted:
        data = signed(data, {"from": "emergency", "to": "urgent",
                             "profile": {"chills_shaking": True, "bleeding_now": [True, False],
                                         "heavy_period": [True, False], "blood_in_urine": [True, False]},
                             "why": "reviewed: urgent care within the hour is enough"})
    new = write(tmp_path / "new.yaml", data)
    arguments = ["diff", str(bundled_flow_path()), str(new)] + (["--fail-on", fail_on] if fail_on else [])
    assert main(arguments) == status
    out = capsys.readouterr().out
    assert (f"accepted in version {NEXT} by Dr Rivera (2026-12-07)" in out) == accepted


def test_only_an_up_triage_passes_fail_on_down_triage(tmp_path):
    new = write(tmp_path / "new.yaml", mutant("routine ending with a low count made urgent (outcome level)"))
    assert main(["diff", str(bundled_flow_path()), str(new), "--fail-on", "down-triage"]) == 0
    assert main(["diff", str(bundled_flow_path()), str(new), "--fail-on", "level"]) == 1


@pytest.mark.parametrize("why, accepts, reviewer", [
    ("no reviewer: nobody signed", {"from": "emergency", "to": "urgent", "profile": {"chills_shaking": True}}, None),
    ("another drop of level", {"from": "emergency", "to": "routine", "profile": {"chills_shaking": True}},
     "Dr Rivera"),
    ("the profile leaves out a finding the class is named by",
     {"from": "emergency", "to": "urgent", "profile": {"known_low_white_count": [True, "unknown"]}}, "Dr Rivera"),
    ("the profile accepts fewer answers than the members give",
     {"from": "emergency", "to": "urgent", "profile": {"chills_shaking": True, "known_low_white_count": True}},
     "Dr Rivera"),
    ("the profile accepts fewer temperatures",
     {"from": "emergency", "to": "urgent", "profile": {**CHILLS_PROFILE, "temperature": "not_measured"}},
     "Dr Rivera"),
])
def test_what_an_acceptance_does_not_cover(why, accepts, reviewer, tmp_path):
    new = write(tmp_path / "new.yaml", signed(mutant(CHILLS), accepts, reviewer=reviewer))
    result = review(read_version(None), read_version(str(new)))
    down = result.of_kind("down-triage")
    assert down and result.unaccepted == down, why


def test_the_profile_the_diff_suggests_accepts_its_class(tmp_path):
    result = review(read_version(None), read_version(str(write(tmp_path / "new.yaml", mutant(CHILLS)))))
    first = result.of_kind("down-triage")[0]
    assert first.profile == {"known_low_white_count": ["yes", "unknown"],
                             "temperature": ["not_measured", {"at_least": 35.0, "below": 38.0}],
                             "temperature_highest": ["not_measured", {"below": 38.0}], "chills_shaking": "yes"}
    again = signed(mutant(CHILLS), {"from": "emergency", "to": "urgent", "profile": CHILLS_PROFILE})
    result = review(read_version(None), read_version(str(write(tmp_path / "signed.yaml", again))))
    accepted = [changed for changed in result.of_kind("down-triage") if changed.accepted]
    assert [changed.after.ending.outcome for changed in accepted] == ["urgent"]  # not the bleeding one


def test_a_change_log_entry_of_the_old_version_accepts_nothing_new(tmp_path):
    """Only entries newer than the old version sign this change off."""
    data = signed(mutant(CHILLS), {"from": "emergency", "to": "urgent", "profile": {"chills_shaking": True}},
                  version=BUNDLED["version"])
    result = review(read_version(None), read_version(str(write(tmp_path / "new.yaml", data))))
    assert result.records == () and result.unaccepted


# -- questions, findings and texts -----------------------------------------------------------------


def test_questions_added_removed_and_moved_and_texts_per_language(tmp_path, capsys):
    data = mutant("a new question about vomiting, urgent when yes")
    data["questions"]["feverish"]["text"]["es"] = "Ahora mismo, ¿tiene fiebre?"
    del data["questions"]["stiff_neck"]
    data["questions"]["chills"]["next"][1]["goto"] = "infection_signs"
    data["questions"]["spots"]["next"] = "bruising"
    data["questions"]["bruising"]["next"] = "fatigue"
    data["questions"]["bleeding"]["next"][1]["goto"] = "spots"
    data["questions"]["bleeding_where"]["next"] = "spots"
    new = write(tmp_path / "new.yaml", data)
    assert main(["diff", str(bundled_flow_path()), str(new)]) == 1
    out = capsys.readouterr().out
    rest = out[out.index("QUESTIONS"):]
    assert "added: vomiting" in rest and "removed: stiff_neck" in rest
    assert "moved: spots" in rest or "moved: bruising" in rest
    spanish = rest[rest.index("TEXTS (Spanish)"):]
    assert "question feverish: text" in spanish and "+ Ahora mismo, ¿tiene fiebre?" in spanish
    assert "question vomiting: text" in rest[rest.index("TEXTS (English)"):]
    assert "U17 added: (none) → urgent: vomiting_now" in rest


def test_a_finding_only_one_version_asks_is_a_fact_the_other_never_learns(tmp_path):
    new = write(tmp_path / "new.yaml", mutant("a new question about vomiting, urgent when yes"))
    result = review(read_version(None), read_version(str(new)))
    assert {changed.kind for changed in result.classes} == {"up-triage"}
    assert all("vomiting that does not stop" in str(changed.statement) for changed in result.classes)
    assert all(changed.after.ending.rules == ("U17",) for changed in result.classes)


# -- the writers -----------------------------------------------------------------------------------


def test_the_markdown_note_groups_by_rule_and_links_the_hazards(tmp_path, capsys):
    new = write(tmp_path / "new.yaml", mutant(CHILLS))
    shutil.copy(bundled_flow_path().with_name("hazards.yaml"), tmp_path / "hazards.yaml")
    assert main(["diff", str(bundled_flow_path()), str(new), "--format", "markdown"]) == 1
    note = capsys.readouterr().out
    assert note.startswith("# Clinical release note: bmf-symptoms")
    down = note[note.index("## Down-triage"):note.index("## Same level")]
    assert "### E2 (shaking chills with a low or unknown white count)" in down
    assert "[H1](#h1)" in down and "\n### H1\n" in note[note.index("## Hazards touched"):]
    assert "**NOT ACCEPTED" in down


def test_the_html_page_is_escaped_and_prints(tmp_path):
    data = mutant(CHILLS)
    data["questions"]["feverish"]["text"]["en"] = "Do you feel <b>hot</b> & <script>alert(1)</script>?"
    new = write(tmp_path / "new.yaml", data)
    out = tmp_path / "note.html"
    assert main(["diff", str(bundled_flow_path()), str(new), "--format", "html", "-o", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "@media print" in page and "break-inside: avoid" in page and "@page" in page
    assert page.count("<article class=\"class\"") == 10


def test_only_the_html_writer_imports_jinja2():
    code = ("import sys\nfrom chatbot.cli import main\n"
            "main(['diff', 'flows/symptoms.yaml', 'flows/symptoms.yaml'])\n"
            "assert 'jinja2' not in sys.modules, 'jinja2 imported'\n"
            "main(['diff', 'flows/symptoms.yaml', 'flows/symptoms.yaml', '--format', 'html', '-o', '/dev/null'])\n"
            "assert 'jinja2' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr


def test_the_witnesses_become_replay_scripts_that_pass(tmp_path, capsys):
    new = write(tmp_path / "new.yaml", mutant(CHILLS))
    scripts = tmp_path / "review"
    assert main(["diff", str(bundled_flow_path()), str(new), "--scripts", str(scripts)]) == 1
    files = sorted(scripts.glob("*.yaml"))
    assert [f.name for f in files][:2] == ["01-down-triage-emergency-to-urgent.yaml",
                                           "02-down-triage-emergency-to-urgent.yaml"]
    capsys.readouterr()
    assert main(["replay", str(scripts)]) == 0
    assert f"{len(files)} scripts: all passed" in capsys.readouterr().out
    assert main(["replay", str(scripts), "--flow", str(bundled_flow_path())]) == 0  # the file names its flow


# -- the change log and the hazard log, checked on load --------------------------------------------


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["changes"][1].update(version=1), "version 1 comes after version 2"),
    (lambda d: d.update(version=5), "the last change is version 3, but the flow is version 5"),
    (lambda d: d["changes"][1].update(date="7 December"), "must be a date such as 2026-11-30"),
    (lambda d: d["changes"][1]["accepts"][0].update(to="emergency"), "is not a lower level"),
    (lambda d: d["changes"][1]["accepts"][0]["profile"].update(chills_shaking="often"),
     "'chills_shaking' is boolean: its answers are yes or no"),
    (lambda d: d["changes"][1]["accepts"][0]["profile"].update(temperature={"over": 38}),
     "'temperature' is temperature"),
    (lambda d: d["changes"][1].pop("author"), "is missing the field 'author'"),
])
def test_a_broken_change_log_is_reported_at_its_line(edit, message, tmp_path):
    data = copy.deepcopy(BUNDLED)
    data["version"] = 3
    data["changes"] = [
        {"version": 2, "date": "2026-11-30", "author": "A", "reason": "revision 2"},
        {"version": 3, "date": "2026-12-07", "author": "A", "reviewer": "B", "reason": "revision 3",
         "accepts": [{"from": "emergency", "to": "urgent", "profile": {"chills_shaking": True}}]}]
    load_flow(write(tmp_path / "good.yaml", data))
    edit(data)
    path = write(tmp_path / "bad.yaml", data)
    with pytest.raises(FlowError) as raised:
        load_flow(path)
    problems = [problem for problem in raised.value.problems if message in problem.message]
    assert problems and problems[0].line > 1, raised.value


def test_a_rule_carries_its_source_and_last_review(tmp_path):
    data = copy.deepcopy(BUNDLED)
    data["rules"]["emergency"]["E1"].update(source="IDSA, neutropenic fever", reviewed={"by": "Dr B", "date": "2026-12-01"})
    rule = load_flow(write(tmp_path / "flow.yaml", data)).rules[0]
    assert (rule.source, rule.reviewed.by, rule.reviewed.date) == ("IDSA, neutropenic fever", "Dr B", "2026-12-01")


def test_a_rule_without_a_source_is_a_warning_at_its_line(tmp_path, capsys):
    data = copy.deepcopy(BUNDLED)
    del data["rules"]["urgent"]["U5"]["source"]
    path = write(tmp_path / "symptoms.yaml", data)
    shutil.copy(bundled_flow_path().with_name("hazards.yaml"), tmp_path / "hazards.yaml")
    assert main(["check", str(path)]) == 0
    assert main(["check", str(path), "--strict"]) == 1
    out = capsys.readouterr().out
    line = load_flow(path).rules[[rule.id for rule in load_flow(path).rules].index("U5")].at[0]
    assert f"{path}:{line}:5: warning: no-source: rule U5 has no source" in out
    assert out.count("no-source") == 2  # once a run, that rule only


def test_every_rule_of_the_bundled_flow_cites_its_source_and_review():
    """Each cites the clinic's triage rules by its id, and was last reviewed against them."""
    for rule in load_flow().rules:
        assert rule.source and f"revision 3 (clinical/triage-rules.md), " in rule.source, rule.id
        assert f" {rule.id}" in rule.source.split(":")[0] and rule.reviewed is not None, rule.id


@pytest.mark.parametrize("edit, message", [
    (lambda h: h["hazards"]["H1"]["rules"].append("E99"), "unknown rule 'E99'"),
    (lambda h: h["hazards"]["H1"]["outcomes"].append("emergency_infecton"),
     "unknown outcome 'emergency_infecton' (did you mean 'emergency_infection'?)"),
    (lambda h: h["hazards"]["H1"].pop("mitigation"), "is missing the field 'mitigation'"),
    (lambda h: h["hazards"]["H1"].update(severity="high"), "unknown field 'severity'"),
])
def test_a_broken_hazard_log_is_reported_at_its_line_by_check_and_diff(edit, message, tmp_path, capsys):
    hazards = yaml.safe_load(bundled_flow_path().with_name("hazards.yaml").read_text(encoding="utf-8"))
    edit(hazards)
    flow = write(tmp_path / "symptoms.yaml", BUNDLED)
    write(tmp_path / "hazards.yaml", hazards)
    with pytest.raises(FlowError) as raised:
        load_hazards(tmp_path / "hazards.yaml", load_flow(flow))
    assert any(message in problem.message and problem.line > 1 for problem in raised.value.problems)
    assert main(["check", str(flow)]) == 2
    assert main(["diff", str(flow), str(flow)]) == 2
    assert message in capsys.readouterr().err


def test_the_bundled_hazard_log_names_only_the_flows_rules_and_outcomes():
    log = load_hazards(bundled_flow_path().with_name("hazards.yaml"), load_flow())
    assert len(log.hazards) >= 6 and all(hazard.mitigation for hazard in log.hazards)


# -- versions from git -----------------------------------------------------------------------------


@pytest.fixture
def repository(tmp_path):
    """A repository with the bundled flow committed, then the chills change committed on top."""
    if GIT is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git is needed to read versions from history")
        pytest.skip("git is not installed")
    folder = tmp_path / "clinic"
    (folder / "flows").mkdir(parents=True)
    environment = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                       GIT_COMMITTER_EMAIL="t@t")

    def git(*arguments):
        subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True, env=environment)

    git("init", "-q")
    write(folder / "flows" / "symptoms.yaml", BUNDLED)
    git("add", ".")
    git("commit", "-qm", "revision 2")
    git("tag", "released")
    write(folder / "flows" / "symptoms.yaml", mutant(CHILLS))
    git("commit", "-qam", "chills routed on")
    return folder


def test_rev_path_and_base_read_versions_from_git(repository, monkeypatch, capsys):
    monkeypatch.chdir(repository)
    assert main(["diff", "released:flows/symptoms.yaml", "HEAD:flows/symptoms.yaml", "--fail-on", "down-triage"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"chatbot diff: released:flows/symptoms.yaml (version {BUNDLED['version']}) → "
                          "HEAD:flows/symptoms.yaml")
    assert main(["diff", "--base", "released", "flows/symptoms.yaml", "--fail-on", "down-triage"]) == 1
    assert "released:flows/symptoms.yaml" in capsys.readouterr().out
    assert main(["diff", "--base", "HEAD", "flows/symptoms.yaml"]) == 0


def test_a_revision_git_cannot_give_is_one_clear_line(repository, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(repository)
    assert main(["diff", "--base", "no-such-tag", "flows/symptoms.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chatbot diff: cannot read no-such-tag:./symptoms.yaml from git") and len(err.splitlines()) == 1
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repository}", str(shallow)], check=True)
    monkeypatch.chdir(shallow)
    assert main(["diff", "--base", "HEAD~1", "flows/symptoms.yaml"]) == 2
    assert "this clone is shallow" in capsys.readouterr().err


@pytest.mark.parametrize("arguments, message", [
    (["diff", "flows/symptoms.yaml"], "give the old and the new version"),
    (["diff", "--base", "HEAD", "a.yaml", "b.yaml"], "with --base REV, give only the new version"),
])
def test_wrong_arguments_say_what_to_give(arguments, message, capsys):
    assert main(arguments) == 2
    assert message in capsys.readouterr().err
