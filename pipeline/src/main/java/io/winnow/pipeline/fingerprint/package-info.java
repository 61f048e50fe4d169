/** Fingerprinting of stored images for copy detection, once, after faces are blurred. */
package io.winnow.pipeline.fingerprint;
