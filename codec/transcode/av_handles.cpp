// Frees and error text for the libav objects behind AacToOpus and H264Reencoder.
#include "codec/transcode/av_handles.hpp"

#include <cstring>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libswresample/swresample.h>
}

namespace liverelay::transcode {

void AvFree::operator()(AVCodecContext* context) const {
  avcodec_free_context(&context);
}
void AvFree::operator()(AVFrame* frame) const {
  av_frame_free(&frame);
}
void AvFree::operator()(AVPacket* packet) const {
  av_packet_free(&packet);
}
void AvFree::operator()(SwrContext* resampler) const {
  swr_free(&resampler);
}
void AvFree::operator()(AVAudioFifo* fifo) const {
  av_audio_fifo_free(fifo);
}

Error av_error(int code, std::string_view what, Errc errc) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return Error{code == AVERROR(ENOMEM) ? Errc::io : errc, std::string(what) + ": " + text};
}

Result<CodecContextPtr> alloc_codec_context(const char* codec_name, bool encoder) {
  const AVCodec* codec =
      encoder ? avcodec_find_encoder_by_name(codec_name) : avcodec_find_decoder_by_name(codec_name);
  if (codec == nullptr)
    return fail(Errc::unsupported,
                std::string("libavcodec has no ") + codec_name + (encoder ? " encoder" : " decoder"));
  CodecContextPtr context(avcodec_alloc_context3(codec));
  if (!context) return fail(Errc::io, std::string(codec_name) + ": out of memory");
  return context;
}

Result<void> set_extradata(AVCodecContext& context, std::span<const uint8_t> bytes) {
  av_freep(&context.extradata);
  context.extradata_size = 0;
  context.extradata = static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (context.extradata == nullptr) return fail(Errc::io, "extradata: out of memory");
  if (!bytes.empty()) std::memcpy(context.extradata, bytes.data(), bytes.size());
  context.extradata_size = static_cast<int>(bytes.size());
  return {};
}

Result<void> alloc_frame_and_packet(FramePtr& frame, PacketPtr& packet) {
  frame.reset(av_frame_alloc());
  packet.reset(av_packet_alloc());
  if (!frame || !packet) return fail(Errc::io, "frame: out of memory");
  return {};
}

Result<void> fill_packet(AVPacket& packet, std::span<const uint8_t> bytes) {
  av_packet_unref(&packet);
  if (int ret = av_new_packet(&packet, static_cast<int>(bytes.size())); ret < 0)
    return tl::unexpected(av_error(ret, "packet"));
  std::memcpy(packet.data, bytes.data(), bytes.size());
  return {};
}

}  // namespace liverelay::transcode
