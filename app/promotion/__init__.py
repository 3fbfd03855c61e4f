"""Promoting an idea into a centre activity: the one orchestrator allowed to call several domains' services
(ideas, activities, volunteering, partnerships, notifications). Its page joins the activities blueprint."""
