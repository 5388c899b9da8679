"""What tests/make-dng.py, make-cr3.py and make-raf.py share: the photo a
test RAW is made from, as the sensor would have seen it.

crop_linear(PHOTO, W, H, REF) saves the photo's middle W x H pixels to REF
(the reference the developed RAW is compared with) and gives them back as
linear light, 0 to 1 (sRGB's curve undone). XYZ_SRGB is the matrix from
linear sRGB to XYZ (D65), which a camera's XYZ-to-camera matrix follows to
take sRGB into the camera's own colours.
"""
import numpy as np
from PIL import Image

XYZ_SRGB = np.array([[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169],
                     [0.019334, 0.119193, 0.950227]])


def crop_linear(path, width, height, reference):
    photo = Image.open(path).convert("RGB")
    left, top = (photo.width - width) // 2, (photo.height - height) // 2
    crop = photo.crop((left, top, left + width, top + height))
    crop.save(reference)
    srgb = np.asarray(crop).astype(np.float64) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
