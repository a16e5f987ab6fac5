"""`chatbot check`: the proof that every path through a flow ends at the level its
triage rules give. Path exploration over answer classes, condition terms that can be
partly evaluated, what each state can still reach, blame for an under-triaged path,
and monotonicity (one more yes never lowers the level).

May import `chatbot.flow`; never a flow file reader, the engine or a screen.
"""
