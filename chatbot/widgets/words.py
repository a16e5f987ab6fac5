"""The UI's own words to the person, by name (plain language), from the catalog: the English here,
the other languages in chatbot/locale (`chatbot.catalog`).

Flow text comes from the flow and the engine's reprompts from `chatbot.flow.phrases`;
these are only the labels and hints of the screens themselves.
"""

from chatbot.catalog import LANGUAGES, message, message_in  # noqa: F401 - LANGUAGES: the screens' list of languages

YES = message("Yes")
NO = message("No")
NOT_SURE = message("Not sure")
TYPING_DOES_NOT_ANSWER = message("Typing does not answer this question. Press {yes_key} for {yes} or {no_key} for {no}, "
                                 "or choose a button.")
"""Said when Enter follows typed words on a yes/no question ("maybe", "36.8"): the Enter pressed nothing."""
SEND = message("Send")
KEY_ENTER = message_in("key", "Enter")
"""The name of the key beside a button that it presses (Spanish keyboards say Intro)."""
KEY_ESCAPE = message_in("key", "Esc")
BACK = message("Back")
RESTART = message("Start again")
SUMMARY = message("Summary")
QUIT = message("Quit")
SAVE = message("Save")
CLOSE = message("Close")

PART = message("Part {number} of {count}: {topic}")
QUESTION_NUMBER = message("Question {number}")
PICK_ONE = message("Press the number of your answer, or click it.")
PICK_MANY = message("Press numbers or click to choose. Enter sends.")
NONE_UNTICKED = message('Unticked, as you chose "{none}": {ticks}.')
CHOOSE_FIRST = message("Please choose at least one answer, then send.")
TEMPERATURE_PLACEHOLDER = message("For example {first} or {second}")
FOR_EXAMPLE = message("For example {example}")
UNDERSTOOD = message("I read this as {reading}.")
CHOICE_TYPED_PLACEHOLDER = message("Or type your answer")

SAY_ON_PHONE = message("On the phone, and to the staff when you arrive, say:")
SAY_TO_STAFF = message("Tell the staff:")
REASONS = message("What needs care:")
WHY = message("Why: what you told me")
WHY_NOTHING = message("Nothing you told me needs a call today.")

CONFIRM_RESTART = message("Start again? All your answers will be cleared.")
CONFIRM_YES = message("Yes, start again")
CONFIRM_NO = message("No, go on")
CONFIRM_QUIT = message("Quit now? You have not finished the questions.")
CONFIRM_QUIT_YES = message("Yes, quit")

SUMMARY_TITLE = message("Summary for the nurse")
SAVED = message("Saved to {path}")
NOT_SAVED = message("Could not save the summary: {reason}")

RECORD = message("Save script")
SCRIPT_SAVED = message("Saved this conversation as a test script: {path}")
RECORDS_AWAY = message("Please carry on. Your answers are kept here and saved to the clinic's records later.")
RECORDS_BACK = message("Your answers are being saved again.")
CUT = message("Only the first {count} characters were kept.")
KEYS_DROPPED = message("Some keys came too fast and were left out.")
SCRIPT_NOT_SAVED = message("Could not save the test script: {reason}")

# -- kiosk mode ---------------------------------------------------------------------------

START = message("Start")
DONE = message("Done")
STILL_THERE = message("Are you still there?")
STILL_THERE_HINT = message("Tap the button or press any key to go on.")
CLEARING_IN = message("In {seconds} s your answers will be cleared for the next person.")
CONTINUE = message("Yes, continue")
TELL_DESK = message("Tell the staff at the desk now")
TELL_DESK_BEFORE_LEAVING = message("Before you leave, tell the staff at the desk what this screen says.")
IDENTIFY_TICKET = message("So the staff at the desk can find you, type the number on your ticket.")
IDENTIFY_NAME = message("So the staff at the desk can find you, type your first name and date of birth.")
TICKET_LABEL = message("Ticket number, for example A12")
NAME_LABEL = message("First name")
BORN_LABEL = message("Date of birth, for example 25/12/1980")
SKIP = message("Skip")
NOT_READABLE = {
    "ticket": message("Please type the letters and numbers on your ticket, for example A12."),
    "name": message("Please type your first name."),
    "born": message("Please type your date of birth with the year last, like 25/12/1980, or like 1980-12-25."),
}
WHICH_DATE = message("Which is your date of birth? Tap it, or type it again.")
IDENTIFIED = message("Thank you. The staff at the desk will see it.")

# `chatbot serve` when every screen it may open is in use (its busy page shows both languages).
PAGE_NAME = message("Symptom checker")
PAGE_STARTING = message("Starting, one moment…")
PAGE_CLOSED = message("This screen has closed.")
"""`chatbot serve`'s page around the kiosk (serve_templates/app_index.html): its name, the notice while
the kiosk starts and once it has closed, each in every language (with START and RESTART)."""
BUSY_TITLE = message("All the screens are in use")
BUSY_WAIT = message("This page tries again by itself in a moment. Please wait here.")
BUSY_UNWELL = message("If you feel very unwell, tell a member of staff now.")

# -- reading aloud, help from staff, more time (accessibility) ------------------------------------

LISTEN = message("Listen")
SPEECH_MISSING = message("Reading aloud is not installed on this computer. Please ask the staff.")
TICKED = message("ticked")
HELP = message("Ask for help")
"""A staffed kiosk's help from staff (WCAG 3.2.6), on every screen, the h key."""
HELP_WHERE = message("Please go to the desk, or ask any member of staff: they will help you. Your answers stay here.")
"""Said where the kiosk keeps no records: nobody at the desk can be told."""
HELP_SENDING = message("Telling the staff at the desk...")
HELP_SENT = message("The desk has been told: someone will come to you. Your answers stay here.")
HELP_SENT_AGAIN = message("The desk has been told already: someone is coming to you.")
HELP_AWAY = message("The desk will get your request when the connection is back. Please go to the desk now.")
"""(Notices are short: at the top of an 80x24 screen, none may cover the control in focus.)"""
MORE_TIME = message("More time: {time}")
MORE_TIME_GIVEN = message("You have {time} before I ask again.")
MINUTES = message("{count} min")
SECONDS = message("{count} s")
