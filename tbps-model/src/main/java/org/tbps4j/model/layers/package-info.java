/**
 * SameDiff building blocks and the dual-path graph (ResNet image path, 1-D residual text CNN,
 * embedding heads, ESA head), written around the SameDiff M2.1 bugs listed in
 * docs/samediff-m2.1.md.
 */
package org.tbps4j.model.layers;
