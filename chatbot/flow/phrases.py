"""The engine's own words to the person (reprompts and answer names), per language."""

from chatbot.flow.text import Text

YES = Text({"en": "Yes", "es": "Sí"})
NO = Text({"en": "No", "es": "No"})
NOT_SURE = Text({"en": "Not sure", "es": "No lo sé"})
NOT_MEASURED = Text({"en": "Not measured", "es": "Sin medir"})

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
    "es": "No pude leer esa temperatura. Escriba un número como 37.5 o 99.5 F, "
          "o diga que no se la ha tomado."})
TEMPERATURE_AND_NOT_MEASURED = Text({
    "en": "Your answer has a temperature ({reading}) and also says it was not measured. "
          "If you measured it, type just the number. If not, say \"not measured\".",
    "es": "Su respuesta tiene una temperatura ({reading}) y también dice que no se la tomó. "
          "Si se la tomó, escriba solo el número. Si no, diga \"sin medir\"."})
TEMPERATURE_SEVERAL = Text({
    "en": "Your answer has more than one temperature ({readings}). Please type just one number. "
          "If you measured more than once today, type the highest.",
    "es": "Su respuesta tiene más de una temperatura ({readings}). Escriba solo un número, por favor. "
          "Si se la tomó más de una vez hoy, escriba la más alta."})
TEMPERATURE_OUT_OF_RANGE = Text({
    "en": "{reading} is not a body temperature I can accept (30 to 45 °C, 86 to 113 °F). "
          "Please check the thermometer and type it again.",
    "es": "{reading} no es una temperatura corporal que pueda aceptar (30 a 45 °C, 86 a 113 °F). "
          "Revise el termómetro y escríbala de nuevo, por favor."})
