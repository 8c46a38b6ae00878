"""The shipped data files (CSV), read by :mod:`companion.datasets`."""
