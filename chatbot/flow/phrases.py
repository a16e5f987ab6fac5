"""The engine's own words to the person (reprompts and answer names), by name, from the catalog
(`chatbot.catalog`: the English here, the other languages in chatbot/locale)."""

from chatbot.catalog import LANGUAGES as _NAMES, Message, message

LANGUAGES = tuple(_NAMES)
"""The languages these words are written in."""
DECIMAL_COMMA = frozenset({"es"})
"""Languages that write a decimal comma: a reading whose separator the person did not say ("treinta y
ocho y medio", "38") is echoed with one ("38,5 °C", "38,0 °C")."""

YES = message("Yes")
NO = message("No")
NOT_SURE = message("Not sure")
NOT_MEASURED = message("Not measured")
NOT_MEASURED_ECHO = message("not measured")
"""How the live line says it: "I read this as not measured."."""

EMPTY = message("Please type an answer.")
TOO_LONG = message("That answer is too long. Please keep it short.")
YES_NO = message("Please answer yes or no.")
YES_NO_UNSURE_GIVEN = message("Please answer yes or no. If you are not sure, answer yes: it is the safer choice.")
YES_NO_UNSURE = message("Please answer yes, no or not sure.")
CHOICE_UNREADABLE = message("Please choose by number (1 to {count}) or by the words of a choice.")
CHOICE_OUT_OF_RANGE = message("There is no choice {number}. Please choose a number from 1 to {count}.")
CHOICE_AMBIGUOUS = message("\"{words}\" fits more than one choice ({numbers}). Please use the number.")
CHOICE_ONLY_ONE = message("Please choose only one.")
CHOICE_NONE_WITH_OTHERS = message("\"{none}\" cannot be chosen together with other choices.")
TEMPERATURE_UNREADABLE = message("I could not read that temperature. Please type a number such as 37.5 or 99.5 F, "
          "or say that you have not measured it.")
TEMPERATURE_EXTRA_WORDS = message("Your answer has a temperature ({reading}) and other words I could not read. "
          "Please type just the number, such as 37.5 or 99.5 F.")
TEMPERATURE_AND_NOT_MEASURED = message("Your answer has a temperature ({reading}) and also says it was not measured. "
          "If you measured it, type just the number. If not, say \"not measured\".")
TEMPERATURE_SEVERAL_LATEST = message("Your answer has more than one temperature ({readings}). Please type just one number: "
          "your latest reading, the one you took last.")
TEMPERATURE_SEVERAL_HIGHEST = message("Your answer has more than one temperature ({readings}). Please type just one number: "
          "the highest reading {window}.")
TEMPERATURE_SEVERAL_ONE = message("Your answer has more than one temperature ({readings}). Please type just one number: "
          "the highest reading you took.")
WINDOW_WORDS = {
    "6h": message("in the last 6 hours"),
    "24h": message("in the last day"),
    "3d": message("in the last 3 days"),
    "7d": message("in the last week"),
    "since_last_check": message("since your last check-up"),
}
"""How a reprompt names a question's time window (`Question.window`), for "the highest reading in it"."""
AND = message("and")
TEMPERATURE_OUT_OF_RANGE = message("{reading} is not a body temperature I can accept (30 to 45 °C, 86 to 113 °F). "
          "Please check the thermometer and type it again.")

CONFIRM_CHOICE = message("Did you mean: {choices}?")
"""Asked before taking words that matched a choice only in part ("headache")."""
CHOICE_NOT_MEANT = message("Then please choose by number (1 to {count}), or type the words of a choice.")


class Unreadable(ValueError):
    """An answer that cannot be read; `message` (one of the words above) tells the person what to type.
    Raised by the reader (`chatbot.flow.answers`, imported from there too); here, so that the engine
    catches it without importing the reader before its first answer."""

    def __init__(self, message: Message):
        super().__init__(message.get("en"))
        self.message = message
