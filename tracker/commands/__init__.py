"""The CLI's commands, one module per command or command group.

Each module defines click commands that parse arguments, call the library
(``tracker.*`` and ``classifiers.*``) and print the result; no logic lives here.
"""
