/* gzip through zlib, xz through liblzma; see compress.h. */
#include "initramfs/compress.h"

#include <lzma.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int ir_compression_from_name(const char *name)
{
	if (!strcmp(name, "gzip"))
		return IR_COMPRESS_GZIP;
	if (!strcmp(name, "xz"))
		return IR_COMPRESS_XZ;
	if (!strcmp(name, "none"))
		return IR_COMPRESS_NONE;
	return -1;
}

static int compress_gzip(const unsigned char *in, size_t len, struct bytebuf *out, char *err, size_t errsize)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16 asks zlib for a gzip wrapper rather than zlib's own */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errsize, "gzip: cannot start zlib");
		return -1;
	}
	int rc = Z_OK;
	size_t done = 0;
	unsigned char chunk[65536];
	while (rc == Z_OK) {
		size_t feed = len - done > (1u << 30) ? (1u << 30) : len - done;
		z.next_in = (unsigned char *)in + done;
		z.avail_in = (uInt)feed;
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, done + feed == len ? Z_FINISH : Z_NO_FLUSH);
		done += feed - z.avail_in;
		if (bytebuf_append(out, chunk, sizeof(chunk) - z.avail_out)) {
			rc = Z_MEM_ERROR;
			break;
		}
		if (rc == Z_BUF_ERROR)
			rc = Z_OK; /* no progress possible this round: more output space comes next */
	}
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		snprintf(err, errsize, "gzip: compression failed (zlib error %d)", rc);
		return -1;
	}
	return 0;
}

static int compress_xz(const unsigned char *in, size_t len, struct bytebuf *out, char *err, size_t errsize)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_easy_encoder(&s, 6, LZMA_CHECK_CRC32) != LZMA_OK) {
		snprintf(err, errsize, "xz: cannot start liblzma");
		return -1;
	}
	s.next_in = in;
	s.avail_in = len;
	lzma_ret rc = LZMA_OK;
	unsigned char chunk[65536];
	while (rc == LZMA_OK) {
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		rc = lzma_code(&s, LZMA_FINISH);
		if (bytebuf_append(out, chunk, sizeof(chunk) - s.avail_out)) {
			rc = LZMA_MEM_ERROR;
			break;
		}
	}
	lzma_end(&s);
	if (rc != LZMA_STREAM_END) {
		snprintf(err, errsize, "xz: compression failed (liblzma error %d)", (int)rc);
		return -1;
	}
	return 0;
}

int ir_compress(enum ir_compression how, const unsigned char *in, size_t len, struct bytebuf *out,
		char *err, size_t errsize)
{
	switch (how) {
	case IR_COMPRESS_GZIP:
		return compress_gzip(in, len, out, err, errsize);
	case IR_COMPRESS_XZ:
		return compress_xz(in, len, out, err, errsize);
	case IR_COMPRESS_NONE:
		break;
	}
	if (bytebuf_append(out, in, len)) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}
