"""Outgoing mail: written to a table with the action, delivered later by `flask send-mail`."""
