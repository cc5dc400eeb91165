"""The benchmark harness behind `c360 bench` and `make bench`: every refresh stage measured.

Lives in the package (not in bench/) so the installed `c360` command can run it; the older
one-stage scripts in bench/ import their child-process measure from here.
"""
