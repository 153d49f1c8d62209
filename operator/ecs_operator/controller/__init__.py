"""The thin shell: kopf handlers and the only code that talks to the Kubernetes API."""
