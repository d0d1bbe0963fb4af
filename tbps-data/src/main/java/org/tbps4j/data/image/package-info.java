/**
 * Images: {@link org.tbps4j.data.image.ImageSettings} (input size, ImageNet mean/std), {@link
 * org.tbps4j.data.image.ImageLoader} (file or {@code BufferedImage} → normalised RGB {@code [3, H,
 * W]} / {@code [N, 3, H, W]}), the two {@link org.tbps4j.data.image.ImageDecoder}s (ImageIO and
 * DataVec's OpenCV {@code NativeImageLoader}, BGR converted to RGB) and the training {@link
 * org.tbps4j.data.image.Augmentation} (flip, pad-crop; never colour).
 */
package org.tbps4j.data.image;
