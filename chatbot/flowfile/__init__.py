"""Reading flow files with a position for every node: the YAML source, the schema of a
flow file, the loader that checks shape and meaning, the start-up cache of checked
flows, and diagrams of a flow for review.

May import `chatbot.flow`, PyYAML and transitions (for diagrams); never the engine, the
proof or a screen. The cache imports the loader (and PyYAML) only when it has no copy.
"""
