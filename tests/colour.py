#!/usr/bin/python3
"""Photos in wide-gamut colour spaces, and how far pixpool's conversions are
from Pillow's ImageCms (lcms2), for t0530.

  colour.py make SRC DIR
      From SRC (an sRGB photo), in DIR: adobe.png, adobe.jpg (quality 100),
      prophoto.png, prophoto.jpg, adobe-alpha.png (RGBA), each converted
      from sRGB with ImageCms and carrying its profile; untagged.png (no
      profile); broken.png (an Adobe RGB profile whose signature is
      damaged); srgb.png (lcms2's sRGB profile).

  colour.py compare OUT DECODED INTENT [MAX_MEAN]
      OUT is pixpool's conversion; DECODED is pixpool's decode of the same
      input without --profile (its pixels and embedded profile). The
      reference is ImageCms's conversion of DECODED's pixels from its
      profile to sRGB with INTENT. Prints the mean and largest CIEDE2000;
      fails when the mean is over MAX_MEAN (0.5).

  colour.py delta A B MAX_MEAN
      The CIEDE2000 between two sRGB images' pixels; fails over MAX_MEAN.

  colour.py description FILE
      The description of FILE's embedded ICC profile, or "none".
"""
import io
import sys

import numpy as np
from PIL import Image, ImageCms

ICC = "/usr/share/color/icc/colord/"
# lcms2's numbers, which every Pillow takes (its constants were renamed in 9.1).
INTENTS = {"perceptual": 0, "relative": 1, "saturation": 2, "absolute": 3}


def srgb():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def tagged(im, path, intent=INTENTS["relative"]):
    """im (sRGB) converted into the profile at path, with that profile."""
    profile = ImageCms.ImageCmsProfile(path)
    rgb = ImageCms.profileToProfile(im.convert("RGB"), srgb(), profile,
                                    renderingIntent=intent, outputMode="RGB")
    return rgb, profile.tobytes()


def make(src, out):
    im = Image.open(src).convert("RGB")
    for name, path in (("adobe", ICC + "AdobeRGB1998.icc"),
                       ("prophoto", ICC + "ProPhotoRGB.icc")):
        rgb, icc = tagged(im, path)
        rgb.save("%s/%s.png" % (out, name), icc_profile=icc)
        rgb.save("%s/%s.jpg" % (out, name), quality=100, icc_profile=icc)
        if name == "adobe":
            rgba = rgb.copy()
            alpha = np.tile(np.arange(rgb.width, dtype=np.uint8), (rgb.height, 1))
            rgba.putalpha(Image.fromarray(alpha, "L"))
            rgba.save("%s/adobe-alpha.png" % out, icc_profile=icc)
            broken = bytearray(icc)
            broken[36:40] = b"xxxx"		# the 'acsp' signature
            rgb.save("%s/broken.png" % out, icc_profile=bytes(broken))
    im.info.pop("icc_profile", None)
    im.save("%s/untagged.png" % out)
    im.save("%s/srgb.png" % out, icc_profile=srgb().tobytes())


def lab(rgb):
    """CIELAB (D65) of 8-bit sRGB pixels, N x 3."""
    c = rgb[:, :3].astype(np.float64) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                     200 * (f[:, 1] - f[:, 2])], axis=1)


def ciede2000(lab1, lab2):
    """CIEDE2000 (Sharma, Wu and Dalal, 2005) per pair of rows."""
    L1, a1, b1 = lab1.T
    L2, a2, b2 = lab2.T
    cbar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(cbar ** 7 / (cbar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl, dc = L2 - L1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    lbar, cbarp = (L1 + L2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbar = np.where(np.abs(h1p - h2p) > 180,
                    np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hbar = np.where(c1p * c2p == 0, hsum, hbar)
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cbarp
    sh = 1 + 0.015 * cbarp * t
    rt = (-2 * np.sqrt(cbarp ** 7 / (cbarp ** 7 + 25.0 ** 7))
          * np.sin(np.radians(60 * np.exp(-(((hbar - 275) / 25) ** 2)))))
    return np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2
                   + rt * (dc / sc) * (dhh / sh))


def pixels(im):
    return np.asarray(im.convert("RGB")).reshape(-1, 3)


def delta(a, b, max_mean, what):
    if a.size != b.size:
        sys.exit("%s: sizes differ: %s, %s" % (what, a.size, b.size))
    d = ciede2000(lab(pixels(a)), lab(pixels(b)))
    print("%s: mean dE2000 %.3f, max %.3f" % (what, d.mean(), d.max()))
    if d.mean() > max_mean:
        sys.exit("%s: mean dE2000 %.3f over %.2f" % (what, d.mean(), max_mean))


def compare(out, decoded, intent, max_mean=0.5):
    dec = Image.open(decoded)
    icc = dec.info.get("icc_profile")
    if not icc:
        sys.exit("%s has no profile to convert from" % decoded)
    mode = "RGBA" if dec.mode == "RGBA" else "RGB"
    ref = ImageCms.profileToProfile(dec.convert(mode), ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                    srgb(), renderingIntent=INTENTS[intent], outputMode=mode)
    got = Image.open(out)
    if got.mode != mode:
        sys.exit("%s is %s, not %s" % (out, got.mode, mode))
    if mode == "RGBA" and np.any(np.asarray(got)[..., 3] != np.asarray(dec)[..., 3]):
        sys.exit("%s: alpha changed" % out)
    delta(got, ref, max_mean, out)


def description(path):
    icc = Image.open(path).info.get("icc_profile")
    if not icc:
        return "none"
    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(*args)
    elif cmd == "compare":
        compare(args[0], args[1], args[2], *(float(a) for a in args[3:]))
    elif cmd == "delta":
        a, b = Image.open(args[0]), Image.open(args[1])
        delta(a, b, float(args[2]), "%s vs %s" % (args[0], args[1]))
    elif cmd == "description":
        print(description(args[0]))
    else:
        sys.exit("unknown command %s" % cmd)


main()
