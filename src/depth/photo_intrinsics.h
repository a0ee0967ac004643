// A photo's own camera, from what the phone or camera wrote into the file: Dynamic Depth's
// imaging model (the calibrated pinhole of a depth photo), else EXIF's focal length. Both are
// stated for the image the camera wrote and are brought to the photo as decoded (resized, upright).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "depth/camera_intrinsics.h"
#include "depth/exif_tags.h"

namespace dv::media {
struct ImagingModel;  // media/container/dynamic_depth.h (native builds: DV_HAVE_CONTAINER)
}

namespace dv::depth {

// Tries Dynamic Depth, then EXIF; nullopt when the file states neither (or only nonsense: a zero
// or negative focal length). upright_width × upright_height: the photo as decode_image returns it.
std::optional<CameraIntrinsics> photo_intrinsics(std::span<const uint8_t> photo_bytes, int upright_width,
                                                 int upright_height);

// EXIF alone: FocalLengthIn35mmFilm, else FocalLength with FocalPlaneXResolution; a centred
// principal point and square pixels (EXIF states neither).
std::optional<CameraIntrinsics> exif_intrinsics(const ExifTags& tags, int upright_width, int upright_height);

// A Dynamic Depth imaging model for the photo: scaled from ImageWidth × ImageHeight, and turned by
// the EXIF orientation when the model describes the pixels as stored (its aspect is the photo's
// turned by 90°). nullopt when it fits the photo neither way (a crop) or its numbers are unusable.
std::optional<CameraIntrinsics> imaging_model_intrinsics(const media::ImagingModel& model, int exif_orientation,
                                                         int upright_width, int upright_height);

}  // namespace dv::depth
