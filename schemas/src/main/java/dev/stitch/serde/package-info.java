/**
 * Kafka serdes for the pipeline's Avro records in the Confluent wire format, and the schema registry they
 * talk to: a REST client for the Confluent Schema Registry API, an in-memory registry (optionally journaled
 * to disk) for tests and the embedded mode, a caching decorator, and an HTTP server that exposes any
 * registry over the same REST API.
 */
package dev.stitch.serde;
