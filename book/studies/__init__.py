"""The book's simulation studies: what each method gets right over data sets with a known truth.

Book-only code (not installed with ``companion``); the chapters import it.
"""
