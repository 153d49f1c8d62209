"""Standalone and scheduled tasks: RunTask and EventBridge Scheduler on Pods and CronJobs."""
