"""Scheduled jobs: what runs on its own (from cron or the Task Scheduler), once per period."""
