"""Health checks, Prometheus metrics and logs: what an operator and a load balancer see of the app."""
