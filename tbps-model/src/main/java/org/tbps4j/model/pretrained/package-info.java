/**
 * Pretrained image backbones: reading ImageNet ResNet weights from an ONNX file's initialisers
 * ({@link org.tbps4j.model.pretrained.OnnxBackboneReader}), their place in the {@code resnet18} /
 * {@code resnet50} presets ({@link org.tbps4j.model.pretrained.TorchvisionLayout}), and the
 * backbone file that training starts from ({@link org.tbps4j.model.pretrained.PretrainedBackbone}).
 * See docs/models.md, "Pretrained image backbones".
 */
package org.tbps4j.model.pretrained;
