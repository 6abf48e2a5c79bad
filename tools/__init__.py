"""The course's tools: one script per `make` target, sharing tools.common (facts from helpers) and tools.cells.

`make setup` installs this package beside helpers, so a tool runs as `python tools/<name>.py` or
`python -m tools.<name>`, and imports the others as `from tools import <name>`.
"""
