"""The nurse station (`chatbot nurse`): the queue of sessions, a session opened, reviewed or
amended, handover, behind a staff sign-in that locks when left idle.

`options`, `words`, `signin`, `reading`, `queue`, `amending` and `handover` are plain Python
(no Textual): the typed options, the staff-facing words in English and Spanish, signing in
against the staff kept in the store, a stored session read for a nurse in the station's
language, the queue's order and the emergency `e` opens, what the amend form needs to know
(what an answer takes, the questions still to come, an amendment that changes nothing), and
the SBAR handover and printable page. `app` (the app and its live queue) and
`screens` (sign-in, queue, session, amend) are the Textual side, styled by `nurse.tcss`.
Sits with the UI: may import the kiosk's PIN hashing (`chatbot.kiosk.staff_pin`) and
everything below it, its data coming from `chatbot.records`; never the command line.
"""
