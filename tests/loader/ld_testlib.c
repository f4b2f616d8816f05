/* Loader test helpers (see ld_testlib.h). */
#include "tests/loader/ld_testlib.h"
#include <glob.h>
#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "hypervisor/loader/loader.h"

void ld_buf_free(struct ld_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

void ld_buf_append(struct ld_buf *b, const void *data, size_t len)
{
	u8 *p = realloc(b->data, b->len + len + 1);
	if (!p)
		abort();
	if (data)
		memcpy(p + b->len, data, len);
	else
		memset(p + b->len, 0, len);
	b->data = p;
	b->len += len;
}

int ld_read_file(const char *path, struct ld_buf *out)
{
	FILE *f = fopen(path, "rb");
	*out = (struct ld_buf){ 0 };
	if (!f)
		return -1;
	u8 chunk[1 << 16];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ld_buf_append(out, chunk, n);
	fclose(f);
	return 0;
}

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

struct ld_buf ld_make_bzimage(const struct ld_bz_spec *spec, const u8 *payload, size_t plen)
{
	unsigned sects = spec->setup_sects ? spec->setup_sects : 4;
	size_t setup_len = ((size_t)sects + 1) * 512;
	struct ld_buf b = { 0 };
	ld_buf_append(&b, NULL, setup_len);
	u8 *h = b.data;
	h[0x1F1] = spec->setup_sects;
	put16(h + 0x1FE, 0xAA55);
	h[0x200] = 0xEB;
	h[0x201] = 0x6A;                           /* header ends at 0x26C, like 2.15 */
	memcpy(h + 0x202, "HdrS", 4);
	put16(h + 0x206, spec->protocol ? spec->protocol : 0x020F);
	h[0x211] = 0x01;                           /* LOADED_HIGH */
	put32(h + 0x230, 0x200000);
	h[0x234] = 1;
	put16(h + 0x236, 0x7F);
	put32(h + 0x238, 2047);
	put32(h + 0x248, spec->pm_prefix);
	put32(h + 0x24C, (u32)plen);
	put64(h + 0x258, 0x1000000);
	put32(h + 0x260, 0x2000000);
	if (spec->version) {
		put16(h + 0x20E, 0x300 - 0x200);
		memcpy(h + 0x300, spec->version, strlen(spec->version) + 1);
	}
	ld_buf_append(&b, NULL, spec->pm_prefix);
	memset(b.data + setup_len, 0x90, spec->pm_prefix);
	ld_buf_append(&b, payload, plen);
	return b;
}

struct ld_buf ld_gzip(const u8 *data, size_t len)
{
	struct ld_buf out = { 0 };
	z_stream z = { 0 };
	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	uLong cap = deflateBound(&z, len);
	ld_buf_append(&out, NULL, cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out.data;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

void ld_add_note(struct ld_buf *blob, const char *name, u32 type, const void *desc, u32 descsz)
{
	u8 hdr[12];
	u32 namesz = (u32)strlen(name) + 1;
	put32(hdr, namesz);
	put32(hdr + 4, descsz);
	put32(hdr + 8, type);
	ld_buf_append(blob, hdr, 12);
	ld_buf_append(blob, name, namesz);
	ld_buf_append(blob, NULL, (4 - namesz % 4) % 4);
	ld_buf_append(blob, desc, descsz);
	ld_buf_append(blob, NULL, (4 - descsz % 4) % 4);
}

static void put_phdr(u8 *ph, u32 type, u32 flags, u64 off, u64 vaddr, u64 paddr, u64 filesz,
		     u64 memsz)
{
	put32(ph, type);
	put32(ph + 4, flags);
	put64(ph + 8, off);
	put64(ph + 16, vaddr);
	put64(ph + 24, paddr);
	put64(ph + 32, filesz);
	put64(ph + 40, memsz);
	put64(ph + 48, 0x1000);
}

/* Section headers: a null one and one SHT_NOTE over the notes. */
static void add_note_section(struct ld_buf *b, u64 notes_off, size_t notes_len)
{
	while (b->len % 8)
		ld_buf_append(b, NULL, 1);
	u64 shoff = b->len;
	ld_buf_append(b, NULL, 128);
	u8 *sh = b->data + shoff + 64;
	put32(sh + 4, 7);
	put64(sh + 24, notes_off);
	put64(sh + 32, notes_len);
	put64(b->data + 40, shoff);
	put16(b->data + 58, 64);
	put16(b->data + 60, 2);
}

struct ld_buf ld_make_elf(const struct ld_elf_spec *spec)
{
	bool note_ph = spec->notes_len && !spec->note_in_section_only;
	unsigned nph = spec->nsegs + (note_ph ? 1 : 0);
	struct ld_buf b = { 0 };
	ld_buf_append(&b, NULL, 64 + 56 * (size_t)nph);
	memcpy(b.data, "\x7f" "ELF\x02\x01\x01", 7);
	put16(b.data + 16, 2);
	put16(b.data + 18, 62);
	put32(b.data + 20, 1);
	put64(b.data + 24, spec->entry);
	put64(b.data + 32, 64);
	put16(b.data + 52, 64);
	put16(b.data + 54, 56);
	put16(b.data + 56, (u16)nph);
	for (unsigned i = 0; i < spec->nsegs; i++) {
		const struct ld_seg *s = &spec->segs[i];
		u64 off = b.len;
		ld_buf_append(&b, s->data, s->filesz);
		if (!s->data)
			for (u64 j = 0; j < s->filesz; j++)
				b.data[off + j] = (u8)(i * 31 + j);
		put_phdr(b.data + 64 + 56 * i, 1, 5, off, s->vaddr, s->paddr, s->filesz, s->memsz);
	}
	u64 notes_off = b.len;
	ld_buf_append(&b, spec->notes, spec->notes_len);
	if (note_ph)
		put_phdr(b.data + 64 + 56 * spec->nsegs, 4, 4, notes_off, 0, 0, spec->notes_len,
			 spec->notes_len);
	if (spec->notes_len)
		add_note_section(&b, notes_off, spec->notes_len);
	return b;
}

const char *ld_debian_kernel(bool cloud)
{
	static char path[2][512];
	glob_t g;
	if (glob(cloud ? "/boot/vmlinuz-*-cloud-amd64" : "/boot/vmlinuz-*-amd64", 0, NULL, &g))
		return NULL;
	const char *found = NULL;
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		if (!cloud && strstr(g.gl_pathv[i], "-cloud-"))
			continue;
		snprintf(path[cloud], sizeof(path[cloud]), "%s", g.gl_pathv[i]);
		found = path[cloud];
	}
	globfree(&g);
	return found;
}

static int ref_xz(const u8 *in, size_t len, struct ld_buf *out, size_t size)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -1;
	ld_buf_append(out, NULL, size);
	s.next_in = in;
	s.avail_in = len;
	s.next_out = out->data;
	s.avail_out = size;
	lzma_ret r = lzma_code(&s, LZMA_FINISH);
	out->len = s.total_out;
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : -1;
}

/* Legacy lz4 frame: magic, then LE32 length + block, repeated; no end marker. */
static int ref_lz4_legacy(const u8 *in, size_t len, struct ld_buf *out, size_t size)
{
	ld_buf_append(out, NULL, size);
	size_t pos = 4, done = 0;
	while (pos + 4 <= len) {
		u32 n = bc_le32(in + pos);
		if (n == 0x184C2102) {
			pos += 4;
			continue;
		}
		if (n > len - pos - 4)
			return -1;
		int got = LZ4_decompress_safe((const char *)in + pos + 4, (char *)out->data + done,
					      (int)n, (int)(size - done));
		if (got < 0)
			return -1;
		done += (size_t)got;
		pos += 4 + n;
	}
	out->len = done;
	return 0;
}

static int ref_gzip(const u8 *in, size_t len, struct ld_buf *out, size_t size)
{
	ld_buf_append(out, NULL, size);
	z_stream z = { 0 };
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out->data;
	z.avail_out = (uInt)size;
	int r = inflate(&z, Z_FINISH);
	out->len = z.total_out;
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : -1;
}

int ld_reference_vmlinux(const u8 *img, size_t len, struct ld_buf *out, char *why, size_t why_len)
{
	struct bc_bzimage bz;
	*out = (struct ld_buf){ 0 };
	why[0] = 0;
	if (bc_bzimage_parse(img, len, &bz) != BC_LD_OK) {
		snprintf(why, why_len, "not a bzImage: %s", bc_ld_reason());
		return -1;
	}
	const char *name = bz.codec ? bz.codec->name : "unknown";
	int rc = -1;
	if (!strcmp(name, "xz"))
		rc = ref_xz(bz.payload, bz.payload_len - 4, out, bz.decompressed_size);
	else if (!strcmp(name, "lz4"))
		rc = ref_lz4_legacy(bz.payload, bz.payload_len - 4, out, bz.decompressed_size);
	else if (!strcmp(name, "gzip"))
		rc = ref_gzip(bz.payload, bz.payload_len, out, bz.decompressed_size);
	else
		snprintf(why, why_len, "no reference decoder here for %s payloads", name);
	if (rc && why[0] == 0)
		snprintf(why, why_len, "reference %s decoder failed", name);
	if (rc)
		ld_buf_free(out);
	return rc;
}
