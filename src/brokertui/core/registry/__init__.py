"""Clients, their programs and sites, the business-day calendar and the RAOCE deadlines."""
