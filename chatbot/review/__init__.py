"""`chatbot diff`: the clinical review of a change to a flow.

`revisions` reads the two versions (files, or `REV:PATH` from git); `compare` (in
`chatbot.proof.comparison`) finds every class of persons whose outcome differs;
`report` makes them a review: plain statements, the rules before and after, a
witness conversation replayed on both versions through the engine, the questions,
rules and texts changed, the change log's sign-off and the hazards touched; `notes`
writes it as text or Markdown, `html` as a printable page (Jinja2, imported only
there), and `scripts` writes each witness as a replay script.

May import the engine, the proof and below; never a screen.
"""
