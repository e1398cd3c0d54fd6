"""ANAM's Data Stage deliveries: the zip reader, one spec per member, the importer."""
