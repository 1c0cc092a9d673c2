"""Ingestion: the MQTT subscriber, the decoder of untrusted messages and the batching writer."""
