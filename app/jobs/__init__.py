"""Scheduled jobs shared by any number of worker processes: leases (each job once per period), heartbeats, schedule.

Plumbing only: it knows no domain (the jobs themselves are listed in app/worker).
"""
