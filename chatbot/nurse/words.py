"""The words the nurse station shows staff, by name (`say(key, language, **values)`), from the catalog
(`chatbot.catalog`: the English here, the other languages in chatbot/locale)."""

from __future__ import annotations

from chatbot.catalog import Message, message, message_in, plural

WORDS: dict[str, Message] = {
    "title": message("Nurse station"),
    "sign_in": message("Sign in"),
    "name": message("Name"),
    "pin": message("PIN"),
    "locked": message("The station is locked. Sign in to see the sessions."),
    "no_staff": message("No staff yet: run `chatbot staff add NAME` first."),
    "wrong_pin": message("Wrong name or PIN. Try again in {seconds} s."),
    "wait_pin": message("Too many wrong PINs: wait {seconds} s."),
    "try_now": message("Wrong name or PIN. You can try again now."),
    "checking": message("Checking..."),
    "signed_in": message("Signed in: {name}"),
    "col_level": message("Level"),
    "col_waiting": message("Waiting"),
    "col_kiosk": message("Kiosk"),
    "col_language": message("Lang"),
    "col_status": message("Status"),
    "col_who": message("Who"),
    "emergency": message("EMERGENCY"),
    "urgent": message("URGENT"),
    "routine": message("routine"),
    "no_level": message("-"),
    "in_progress": message("in progress"),
    "waiting": message("to review"),
    "in_review": message("in review: {name}"),
    "reviewed": message("reviewed: {name}"),
    "abandoned": message("stopped"),
    "filter_all": message("all"),
    "today": message("today"),
    "everything": message("all days"),
    "queue_line": message("{sessions}  |  status: {status}  |  {days}  |  {who}"),
    "sessions": plural("{count} session", "{count} sessions"),
    "queue_keys": message("Enter open ▶  f status  t today/all  l lock  q quit"),
    "queue_keys_emergency": message("e open new EMERGENCY  Enter open ▶  f status  t today/all  l lock  q quit"),
    "session_keys": message("r reviewed  a amend  h handover  p page  o open page  x FHIR  Esc back"),
    "fhir_saved": message("FHIR Bundle for the record system saved to {path}"),
    "reasons": message("Reasons"),
    "last_answer": message("Last answer before stopping"),
    "no_reasons": message("none: nothing reported needs a call today"),
    "not_finished": message("Not finished: {status}"),
    "patient_language": message("Patient's language: {language}"),
    "about": message("Kiosk {place}, started {started}, waiting {waited}"),
    "identification": message("Identification: {who}"),
    "not_identified": message("not identified"),
    "not_identified_at": message("not identified (kiosk {place}, started {started})"),
    "session_head": message("{level} · {who}"),
    "ticket": message("ticket {value}"),
    "led_there": message("Answers that led there"),
    "yeses": message("Every yes"),
    "negatives": message("Negatives ({count})"),
    "transcript": message("Full transcript"),
    "trail": message("Review trail"),
    "typed": message("typed"),
    "withdrawn": message("withdrawn"),
    "none": message("none"),
    "white_count": message("White count known low: {answer}"),
    "reviewed_event": message("{at} reviewed by {actor}"),
    "amended_event": message("{at} amended by {actor}: {question} {old} -> {new} ({old_level} -> {new_level}): {reason}"),
    "marked_reviewed": message("Marked reviewed."),
    "stale": message("Someone else changed this session first: showing the newer version. Nothing of yours was saved."),
    "amend_title": message("Amend an answer"),
    "question": message("Question"),
    "new_answer": message("New answer"),
    "reason": message("Why (short)"),
    "preview": message("Preview"),
    "save": message("Save"),
    "cancel": message("Cancel"),
    "also_answer": message("Answer, if you know it"),
    "more_title": message("The flow now goes on to these questions. Answer those you can; Preview says which it needs."),
    "still_needed": message("Answer this too, then Preview: {question}"),
    "not_asked": message("Not asked after this change, so not saved: {questions}"),
    "nothing_changed": message("That is the answer already given: nothing would change, so nothing is saved. "
                              "To mark the session reviewed, press r on it."),
    "check_then_save": message("Check the new level, then press Save again."),
    "accepts_line": message("Accepts {what}"),
    "accepts_yes_no": message("yes or no"),
    "accepts_yes_no_unsure": message("yes, no or not sure"),
    "accepts_temperature": message("a temperature such as 38.2 or 100.8 F, or \"not measured\""),
    "accepts_one": message("the number of one choice: {options}"),
    "accepts_many": message("the numbers of the choices that fit, such as 1, 3: {options}"),
    "old_new": message("Before: {old}    After: {new}"),
    "preview_first": message("Press Preview to see the new level first."),
    "give_reason": message("Say briefly why."),
    "not_amendable": message("Only a finished session can be amended."),
    "amended": message("Amended: {old} -> {new}."),
    "saved_to": message("Saved to {path}"),
    "copied": message("Handover copied to the clipboard and saved to {path}"),
    "cannot_save": message("Cannot save: {problem}"),
    "store_problem": message("Records: {problem}"),
    "new_emergency": message("New EMERGENCY in the queue: press e to open it."),
    "gone": message("That session is no longer in the store."),
    "sbar_s": message("S (situation)"),
    "sbar_b": message("B (background)"),
    "sbar_a": message("A (assessment)"),
    "sbar_r": message("R (recommendation)"),
    "recommend_emergency": message("See the patient now, or make sure they are on their way to emergency care; the team receiving them "
              "must know they have bone marrow failure."),
    "recommend_urgent": message("A clinician to assess the patient today: call them back or see them the same day."),
    "recommend_routine": message("No same-day action from these answers; check that the patient has the guidance and knows when to call."),
    "recommend_unfinished": message("The questions were not finished: contact the patient to finish the assessment."),
    "handover": message("Handover"),
    "session": message("Session"),
}

LANGUAGE_NAMES = {"en": message_in("language name", "English"), "es": message_in("language name", "Spanish")}


def say(key: str, language: str, /, **values: object) -> str:
    """The station's word `key` in `language`, its `{placeholders}` filled with `values`."""
    return WORDS[key].fill(**values).get(language)


def language_name(code: str, language: str) -> str:
    """A patient's language as the station's reader names it ("Spanish", "español")."""
    name = LANGUAGE_NAMES.get(code)
    return name.get(language) if name is not None else code
