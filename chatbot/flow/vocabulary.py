"""The words people type, by what they mean, in English and Spanish (as `answers` compares them).

Every word here is written as the reader compares it: lower case, without accents
or apostrophes ("don't" is `dont`, "termómetro" is `termometro`), so the tables are
read as they are typed by a person, and nothing is normalised twice.

Saying "not measured" is not a list of sentences but a small grammar
(`answers`): a negation, something about measuring (a verb, "thermometer", "I
can't"), and words that only fill the sentence. These are its word classes.
"""

from __future__ import annotations

YES = frozenset({"y", "yes", "yeah", "yep", "yup", "ya", "true", "si", "s", "claro", "claro que si"})
NO = frozenset({"n", "no", "nope", "nah", "false", "nop", "no tengo", "para nada"})
UNSURE = frozenset({
    "u", "?", "not sure", "unsure", "dont know", "do not know", "idk", "maybe", "unknown", "no idea",
    "not known", "i dont know", "i do not know", "i am not sure", "im not sure",
    "no se", "no estoy seguro", "no estoy segura", "no lo se", "no sabria", "no sabria decir", "ni idea",
    "tal vez", "quiza", "quizas", "a lo mejor", "desconocido", "no me acuerdo", "no recuerdo"})

# -- "not measured" ------------------------------------------------------------------------

NOT_MEASURED = frozenset({
    "not measured", "none", "n/a", "na", "n a", "-", "skip", "unknown", "dont know", "do not know",
    "i dont know", "not sure", "no idea", "idk", "no", "nope", "not yet", "no se", "no lo se", "ni idea",
    "no estoy seguro", "no estoy segura", "desconocida", "sin medir", "todavia no", "aun no", "ninguna"})
"""Whole answers that mean "not measured" though they say nothing about measuring."""

NEGATIONS = frozenset({
    "no", "not", "never", "dont", "didnt", "doesnt", "havent", "hasnt", "hadnt", "cant", "cannot",
    "couldnt", "wont", "wouldnt", "wasnt", "werent", "isnt", "arent", "aint", "unable", "without",
    "nothing", "none", "nope", "nah", "unmeasured", "untaken", "unchecked",
    "broken", "broke", "lost", "sin", "nunca", "tampoco", "ni", "nada", "jamas", "roto", "rota", "rompio",
    "estropeado", "estropeada", "descompuesto", "descompuesta", "perdi", "perdido", "perdida"})
"""A negation, or a thermometer that cannot be used ("broken", "roto")."""

MEASURING = frozenset({
    "measure", "measured", "measuring", "measures", "measurement", "check", "checked", "checking",
    "take", "taken", "took", "taking", "takes", "test", "tested", "testing", "reading", "readings",
    "unmeasured", "untaken", "unchecked",
    "medir", "medirla", "medirlo", "medirme", "medirmela", "medirmelo", "medi", "mide", "mido", "medido",
    "medida", "medimos", "tomar", "tomarla", "tomarlo", "tomarme", "tomarmela", "tome", "tomo", "tomado",
    "tomada", "chequear", "chequeado", "revisar", "revisado", "revise", "mirar", "mirado", "mire",
    "lectura"})
"""Measuring a temperature, in any form a person types it."""

ABLE = frozenset({"can", "cant", "cannot", "could", "couldnt", "able", "unable",
                  "puedo", "pude", "podido", "pudo", "puede", "poder", "podia"})
"""Being able to (an "I can't" says that nothing was measured)."""

THERMOMETER_STARTS = ("thermom", "termom", "thermo", "termo")
"""How "thermometer" starts, however it is spelt after that (thermometer, termómetro, thermomiter)."""
THERMOMETER_TOO = frozenset({"one", "uno"})
"""Said for the thermometer the question names: "I don't have one", "no tengo uno"."""

HAVING = frozenset({"have", "has", "had", "got", "own", "owns", "tengo", "tiene", "tenemos", "tenia",
                    "hay", "habia"})
"""Having: "I don't have a thermometer" is not measured, "I don't have a temperature" is not (it says no fever)."""

MEASURED_THINGS = frozenset({"temperature", "temp", "temps", "fever", "temperatura", "fiebre"})
"""What is measured: allowed in a "not measured" answer only with a word about measuring."""

FILLING = frozenset({
    "i", "im", "ive", "id", "me", "my", "myself", "mine", "it", "its", "the", "a", "an", "any", "to", "do",
    "does", "did", "done", "doing", "been", "be", "being", "was", "were", "is", "am", "are", "yet", "still",
    "today", "tonight", "now", "since", "so", "far", "here", "there", "at", "home", "this", "that",
    "morning", "afternoon", "evening", "night", "week", "day", "days", "sorry", "really", "just", "please",
    "all", "for", "with", "of", "on", "in", "and", "but", "or", "then", "find", "found", "use", "used",
    "get", "gotten", "know", "sure", "idea", "remember", "recall", "thanks", "thank", "you", "oh", "um",
    "uh", "hmm", "time", "either", "also", "too", "again", "recently", "lately", "anymore", "currently",
    "moment", "properly", "right",
    "yo", "mi", "mis", "la", "lo", "le", "los", "las", "el", "un", "una", "unos", "he", "ha", "has",
    "hemos", "han", "todavia", "aun", "hoy", "ahora", "aqui", "aca", "en", "casa", "esta", "este", "esto",
    "manana", "tarde", "noche", "dia", "desde", "entonces", "siento", "perdon", "disculpe", "que", "con",
    "como", "para", "de", "del", "y", "o", "pero", "se", "seguro", "segura", "acuerdo", "recuerdo",
    "hecho", "hice", "hizo", "momento", "mismo", "ya", "gracias", "pues", "eh", "encuentro", "encontre",
    "usar", "use", "vez", "bien"})
"""Words that only fill a "not measured" sentence: they say nothing about a reading."""

# -- around a reading ----------------------------------------------------------------------

AROUND_A_READING = frozenset({
    "i", "im", "it", "its", "is", "was", "my", "the", "a", "temperature", "temp", "reads", "read", "says",
    "said", "shows", "showed", "measured", "took", "taken", "got", "get", "have", "has", "of", "now",
    "right", "just", "today", "and", "last", "latest", "reading", "fever", "thermometer", "current",
    "temperatura", "termometro", "mi", "la", "el", "me", "es", "era", "de", "marca", "marco", "dio", "da",
    "tengo", "tiene", "ahora", "mismo", "hoy", "y", "ultima", "ultimo", "lectura", "fiebre", "medi",
    "tome", "sale", "salio"})
"""Words that may stand around one reading ("my temperature is 38.5", "tengo 38 de fiebre").

Nothing here changes a reading or says when it was taken; an answer with any
other word ("about 38", "38 this morning") is asked again, never guessed at.
"""

# -- units ---------------------------------------------------------------------------------

DEGREES = frozenset({"deg", "degree", "degrees", "grado", "grados"})
CELSIUS = frozenset({"c", "celsius", "centigrade", "centigrado", "centigrados", "celcius"})
FAHRENHEIT = frozenset({"f", "fahrenheit", "farenheit", "fahrenheits", "farenheits"})

# -- numbers in words ----------------------------------------------------------------------

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9,
         "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
         "nueve": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
         # no "once" (11): in English it is a word of its own ("I measured it once")
         "diez": 10, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
         "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
         "veintiuno": 21, "veintiun": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24,
         "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29}
"""Numbers from 10 to 29 that are one word and take nothing after them."""
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90,
        "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
        "ochenta": 80, "noventa": 90}
HUNDRED = frozenset({"hundred", "ciento"})
"""A hundred that a number may follow ("one hundred and one", "ciento uno")."""
HUNDRED_ALONE = frozenset({"cien"})
"""A hundred that nothing follows but a decimal part ("cien punto cuatro")."""
AND = frozenset({"and", "y"})
POINT = frozenset({"point", "dot", "decimal", "punto", "coma", "comma", "con"})
"""Words that start the decimal part ("thirty eight point five", "treinta y ocho con cinco")."""
COMMA_POINTS = frozenset({"coma", "comma"})
"""Decimal words that are a comma: the reading is echoed with a decimal comma."""
HALF = frozenset({"half", "medio", "media"})

# -- choices -------------------------------------------------------------------------------

NONE_OF_THESE = frozenset({
    "none", "no", "nothing", "neither", "nope", "none of them", "none of those", "none of these",
    "ninguno", "ninguna", "nada", "ninguno de estos", "ninguna de estas", "ninguno de ellos",
    "ninguna de ellas", "no tengo ninguno", "no tengo ninguna"})
"""Words that choose a question's "none of these" option, when it has one."""
