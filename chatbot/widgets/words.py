"""The UI's own words to the person, in every language it speaks (plain language).

Flow text comes from the flow and the engine's reprompts from `chatbot.flow.phrases`;
these are only the labels and hints of the screens themselves.
"""

from chatbot.flow.text import Text


def _t(en: str, es: str) -> Text:
    return Text({"en": en, "es": es})


LANGUAGES = {"en": "English", "es": "Español"}

YES = _t("Yes", "Sí")
NO = _t("No", "No")
NOT_SURE = _t("Not sure", "No lo sé")
SEND = _t("Send", "Enviar")
BACK = _t("Back", "Atrás")
RESTART = _t("Start again", "Empezar de nuevo")
SUMMARY = _t("Summary", "Resumen")
QUIT = _t("Quit", "Salir")
SAVE = _t("Save", "Guardar")
CLOSE = _t("Close", "Cerrar")
LISTEN = _t("Listen", "Escuchar")
SPEECH_MISSING = _t("Reading aloud is not installed on this computer. Please ask the staff.",
                    "La lectura en voz alta no está instalada en este ordenador. Pida ayuda al personal.")
TICKED = _t("ticked", "marcada")
HELP = _t("Ask for help", "Pedir ayuda")
"""A staffed kiosk's help from staff (WCAG 3.2.6), on every screen, the h key."""
HELP_WHERE = _t("Please go to the desk, or ask any member of staff: they will help you. Your answers stay here.",
                "Vaya al mostrador o hable con cualquier persona del personal: le ayudarán. Sus respuestas se quedan aquí.")

PART = _t("Part {number} of {count}: {topic}", "Parte {number} de {count}: {topic}")
QUESTION_NUMBER = _t("Question {number}", "Pregunta {number}")
PICK_ONE = _t("Press the number of your answer, or click it.",
              "Pulse el número de su respuesta, o haga clic en ella.")
PICK_MANY = _t("Press numbers or click to choose. Enter sends.",
               "Pulse números o haga clic para elegir. Enter envía.")
NONE_UNTICKED = _t('Unticked, as you chose "{none}": {ticks}.', 'Desmarcado, porque eligió "{none}": {ticks}.')
CHOOSE_FIRST = _t("Please choose at least one answer, then send.",
                  "Elija al menos una respuesta y luego envíe, por favor.")
TEMPERATURE_PLACEHOLDER = _t("For example {first} or {second}", "Por ejemplo {first} o {second}")
FOR_EXAMPLE = _t("For example {example}", "Por ejemplo {example}")
UNDERSTOOD = _t("I read this as {reading}.", "Entiendo: {reading}.")
CHOICE_TYPED_PLACEHOLDER = _t("Or type your answer", "O escriba su respuesta")

SAY_ON_PHONE = _t("On the phone, and to the staff when you arrive, say:",
                  "Por teléfono, y al personal cuando llegue, diga:")
SAY_TO_STAFF = _t("Tell the staff:", "Dígale al personal:")
REASONS = _t("What needs care:", "Lo que necesita atención:")
WHY = _t("Why: what you told me", "Por qué: lo que me contó")
WHY_NOTHING = _t("Nothing you told me needs a call today.",
                 "Nada de lo que me contó necesita una llamada hoy.")

CONFIRM_RESTART = _t("Start again? All your answers will be cleared.",
                     "¿Empezar de nuevo? Se borrarán todas sus respuestas.")
CONFIRM_YES = _t("Yes, start again", "Sí, empezar de nuevo")
CONFIRM_NO = _t("No, go on", "No, seguir")
CONFIRM_QUIT = _t("Quit now? You have not finished the questions.",
                  "¿Salir ahora? No ha terminado las preguntas.")
CONFIRM_QUIT_YES = _t("Yes, quit", "Sí, salir")

SUMMARY_TITLE = _t("Summary for the nurse", "Resumen para el personal de enfermería")
SAVED = _t("Saved to {path}", "Guardado en {path}")
NOT_SAVED = _t("Could not save the summary: {reason}", "No se pudo guardar el resumen: {reason}")

RECORD = _t("Save script", "Guardar guion")
SCRIPT_SAVED = _t("Saved this conversation as a test script: {path}",
                  "Conversación guardada como guion de prueba: {path}")
RECORDS_AWAY = _t("Please carry on. Your answers are kept here and saved to the clinic's records later.",
                  "Siga, por favor. Sus respuestas se guardan aquí y luego en el registro de la clínica.")
RECORDS_BACK = _t("Your answers are being saved again.", "Sus respuestas se guardan de nuevo.")
CUT = _t("Only the first {count} characters were kept.", "Solo se guardaron los primeros {count} caracteres.")
KEYS_DROPPED = _t("Some keys came too fast and were left out.", "Algunas teclas llegaron demasiado rápido y no se leyeron.")
SCRIPT_NOT_SAVED = _t("Could not save the test script: {reason}", "No se pudo guardar el guion de prueba: {reason}")

# -- kiosk mode ---------------------------------------------------------------------------

START = _t("Start", "Empezar")
DONE = _t("Done", "Terminar")
STILL_THERE = _t("Are you still there?", "¿Sigue ahí?")
STILL_THERE_HINT = _t("Tap the button or press any key to go on.",
                      "Toque el botón o pulse cualquier tecla para seguir.")
CLEARING_IN = _t("In {seconds} s your answers will be cleared for the next person.",
                 "En {seconds} s se borrarán sus respuestas para la próxima persona.")
CONTINUE = _t("Yes, continue", "Sí, seguir")
MORE_TIME = _t("More time: {time}", "Más tiempo: {time}")
MORE_TIME_GIVEN = _t("You have {time} before I ask again.", "Tiene {time} antes de que vuelva a preguntar.")
MINUTES = _t("{count} min", "{count} min")
SECONDS = _t("{count} s", "{count} s")
TELL_DESK = _t("Tell the staff at the desk now", "Avise ahora al personal del mostrador")
TELL_DESK_BEFORE_LEAVING = _t("Before you leave, tell the staff at the desk what this screen says.",
                              "Antes de irse, avise al personal del mostrador de lo que dice esta pantalla.")
IDENTIFY_TICKET = _t("So the staff at the desk can find you, type the number on your ticket.",
                     "Para que el personal del mostrador le encuentre, escriba el número de su ticket.")
IDENTIFY_NAME = _t("So the staff at the desk can find you, type your first name and date of birth.",
                   "Para que el personal del mostrador le encuentre, escriba su nombre y su fecha de nacimiento.")
TICKET_LABEL = _t("Ticket number, for example A12", "Número del ticket, por ejemplo A12")
NAME_LABEL = _t("First name", "Nombre")
BORN_LABEL = _t("Date of birth, for example 25/12/1980", "Fecha de nacimiento, por ejemplo 25/12/1980")
SKIP = _t("Skip", "Omitir")
NOT_READABLE = {
    "ticket": _t("Please type the letters and numbers on your ticket, for example A12.",
                 "Escriba las letras y números de su ticket, por ejemplo A12."),
    "name": _t("Please type your first name.", "Escriba su nombre, por favor."),
    "born": _t("Please type your date of birth with the year last, like 25/12/1980, or like 1980-12-25.",
               "Escriba su fecha de nacimiento con el año al final, como 25/12/1980, o como 1980-12-25."),
}
WHICH_DATE = _t("Which is your date of birth? Tap it, or type it again.",
                "¿Cuál es su fecha de nacimiento? Tóquela, o escríbala de nuevo.")
DATE = _t("{day} {month} {year}", "{day} de {month} de {year}")
MONTHS = _t("January February March April May June July August September October November December",
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre")
IDENTIFIED = _t("Thank you. The staff at the desk will see it.", "Gracias. El personal del mostrador lo verá.")

# `chatbot serve` when every screen it may open is in use (its busy page shows both languages).
BUSY_TITLE = _t("All the screens are in use", "Todas las pantallas están en uso")
BUSY_WAIT = _t("This page tries again by itself in a moment. Please wait here.",
               "Esta página lo vuelve a intentar sola en un momento. Espere aquí, por favor.")
BUSY_UNWELL = _t("If you feel very unwell, tell a member of staff now.",
                 "Si se siente muy mal, dígaselo ahora al personal.")
