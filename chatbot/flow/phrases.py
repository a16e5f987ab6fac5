"""The engine's own words to the person (reprompts and answer names), per language."""

from chatbot.flow.text import Text

LANGUAGES = ("en", "es")
"""The languages these words are written in."""
DECIMAL_COMMA = frozenset({"es"})
"""Languages that write a decimal comma: a reading whose separator the person did not say ("treinta y
ocho y medio", "38") is echoed with one ("38,5 °C", "38,0 °C")."""

YES = Text({"en": "Yes", "es": "Sí"})
NO = Text({"en": "No", "es": "No"})
NOT_SURE = Text({"en": "Not sure", "es": "No lo sé"})
NOT_MEASURED = Text({"en": "Not measured", "es": "Sin medir"})
NOT_MEASURED_ECHO = Text({"en": "not measured", "es": "sin medir"})
"""How the live line says it: "I read this as not measured."."""

EMPTY = Text({"en": "Please type an answer.", "es": "Escriba una respuesta, por favor."})
TOO_LONG = Text({"en": "That answer is too long. Please keep it short.",
                 "es": "La respuesta es demasiado larga. Escríbala más corta, por favor."})
YES_NO = Text({"en": "Please answer yes or no.", "es": "Responda sí o no, por favor."})
YES_NO_UNSURE_GIVEN = Text({
    "en": "Please answer yes or no. If you are not sure, answer yes: it is the safer choice.",
    "es": "Responda sí o no, por favor. Si tiene dudas, responda sí: es lo más prudente."})
YES_NO_UNSURE = Text({"en": "Please answer yes, no or not sure.",
                      "es": "Responda sí, no o no lo sé, por favor."})
CHOICE_UNREADABLE = Text({
    "en": "Please choose by number (1 to {count}) or by the words of a choice.",
    "es": "Elija con el número (del 1 al {count}) o escriba las palabras de una opción, por favor."})
CHOICE_OUT_OF_RANGE = Text({"en": "There is no choice {number}. Please choose a number from 1 to {count}.",
                            "es": "No hay opción {number}. Elija un número del 1 al {count}, por favor."})
CHOICE_AMBIGUOUS = Text({"en": "\"{words}\" fits more than one choice ({numbers}). Please use the number.",
                         "es": "\"{words}\" coincide con más de una opción ({numbers}). Use el número, por favor."})
CHOICE_ONLY_ONE = Text({"en": "Please choose only one.", "es": "Elija solo una opción, por favor."})
CHOICE_NONE_WITH_OTHERS = Text({
    "en": "\"{none}\" cannot be chosen together with other choices.",
    "es": "\"{none}\" no se puede elegir junto con otras opciones."})
TEMPERATURE_UNREADABLE = Text({
    "en": "I could not read that temperature. Please type a number such as 37.5 or 99.5 F, "
          "or say that you have not measured it.",
    "es": "No pude leer esa temperatura. Escriba un número como 37,5 o 99,5 F, "
          "o diga que no se la ha tomado."})
TEMPERATURE_EXTRA_WORDS = Text({
    "en": "Your answer has a temperature ({reading}) and other words I could not read. "
          "Please type just the number, such as 37.5 or 99.5 F.",
    "es": "Su respuesta tiene una temperatura ({reading}) y otras palabras que no pude leer. "
          "Escriba solo el número, como 37,5 o 99,5 F, por favor."})
TEMPERATURE_AND_NOT_MEASURED = Text({
    "en": "Your answer has a temperature ({reading}) and also says it was not measured. "
          "If you measured it, type just the number. If not, say \"not measured\".",
    "es": "Su respuesta tiene una temperatura ({reading}) y también dice que no se la tomó. "
          "Si se la tomó, escriba solo el número. Si no, diga \"sin medir\"."})
TEMPERATURE_SEVERAL_LATEST = Text({
    "en": "Your answer has more than one temperature ({readings}). Please type just one number: "
          "your latest reading, the one you took last.",
    "es": "Su respuesta tiene más de una temperatura ({readings}). Escriba solo un número, por favor: "
          "la más reciente, la de la última vez que se la tomó."})
TEMPERATURE_SEVERAL_HIGHEST = Text({
    "en": "Your answer has more than one temperature ({readings}). Please type just one number: "
          "the highest reading {window}.",
    "es": "Su respuesta tiene más de una temperatura ({readings}). Escriba solo un número, por favor: "
          "la más alta {window}."})
TEMPERATURE_SEVERAL_ONE = Text({
    "en": "Your answer has more than one temperature ({readings}). Please type just one number: "
          "the highest reading you took.",
    "es": "Su respuesta tiene más de una temperatura ({readings}). Escriba solo un número, por favor: "
          "la más alta que se tomó."})
WINDOW_WORDS = {
    "6h": Text({"en": "in the last 6 hours", "es": "en las últimas 6 horas"}),
    "24h": Text({"en": "in the last day", "es": "en el último día"}),
    "3d": Text({"en": "in the last 3 days", "es": "en los últimos 3 días"}),
    "7d": Text({"en": "in the last week", "es": "en la última semana"}),
    "since_last_check": Text({"en": "since your last check-up", "es": "desde su último control"}),
}
"""How a reprompt names a question's time window (`Question.window`), for "the highest reading in it"."""
AND = Text({"en": "and", "es": "y"})
TEMPERATURE_OUT_OF_RANGE = Text({
    "en": "{reading} is not a body temperature I can accept (30 to 45 °C, 86 to 113 °F). "
          "Please check the thermometer and type it again.",
    "es": "{reading} no es una temperatura corporal que pueda aceptar (30 a 45 °C, 86 a 113 °F). "
          "Revise el termómetro y escríbala de nuevo, por favor."})

CONFIRM_CHOICE = Text({"en": "Did you mean: {choices}?", "es": "¿Se refiere a: {choices}?"})
"""Asked before taking words that matched a choice only in part ("headache")."""
CHOICE_NOT_MEANT = Text({
    "en": "Then please choose by number (1 to {count}), or type the words of a choice.",
    "es": "Entonces elija con el número (del 1 al {count}), o escriba las palabras de una opción, por favor."})
