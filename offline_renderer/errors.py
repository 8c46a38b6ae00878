"""The one exception type the renderer raises for problems in the book's sources."""


class BuildError(Exception):
    """A problem in the book: the message names the file, the cell and the problem."""
