"""`flask worker`: one long-running process that sends the mail outbox and runs the daily jobs at their local times.

Any number of workers may run on any number of nodes: each job period is run by the one worker that claims its
lease (app/jobs/leases.py), and every job keeps its own per-item guard besides.
"""
