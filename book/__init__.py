"""Book-only code: the chapters' shared setup and the build around Quarto.

Not part of the installed ``companion`` package. Chapters import it because
``_quarto.yml`` runs every chapter from the project root (``execute-dir:
project``).
"""
