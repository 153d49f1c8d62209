"""The status of the CapacityProvider and Cluster objects."""
