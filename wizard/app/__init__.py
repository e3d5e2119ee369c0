"""The composition root: the command line, logging, starting the embedded hub and building the GUI."""
