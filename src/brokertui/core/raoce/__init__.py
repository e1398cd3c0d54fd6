"""The RAOCE worksheet: the figures and checks a client files each year."""
