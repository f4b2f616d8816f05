/* grubby's config model: parse and write back, keywords, multiboot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grubby/core.h"

static char *write_to_string(struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(config_write(cfg, f), 0);
	fclose(f);
	return buf;
}

static struct config *parse(const char *text, const struct dialect *d)
{
	return config_parse(gb_strdup(text), d, false, "/nonexistent/env");
}

static void round_trip(const char *text, const struct dialect *d)
{
	char *out = write_to_string(parse(text, d));
	assert_string_equal(out, text);
	free(out);
}

static void every_dialect_writes_back_what_it_read(void **state)
{
	(void)state;
	round_trip("default=0\ntimeout=5\n# comment\ntitle Linux (6.1)\n"
		   "\troot (hd0,0)\n\tkernel /vmlinuz ro  root=/dev/sda1\n"
		   "\tinitrd /initrd.img\n", &dialect_grub);
	round_trip("set default=\"0\"\nmenuentry 'Linux' --class os {\n"
		   "\tlinux16 /vmlinuz root=/dev/sda1\n}\n", &dialect_grub2);
	round_trip("default linux\nlabel linux\n  kernel /vmlinuz\n"
		   "  append root=/dev/sda1\n", &dialect_extlinux);
	round_trip("boot=/dev/sda\ndefault=linux\nimage=/vmlinuz\n\tlabel=linux\n"
		   "\tappend=\"root=/dev/sda1 quiet\"\n", &dialect_lilo);
	round_trip("[defaultboot]\ndefault=linux\n[linux]\n\timage=/vmlinuz\n",
		   &dialect_zipl);
}

static void words_keep_their_separators(void **state)
{
	(void)state;
	struct config *cfg = parse("title x\n\tkernel\t/vmlinuz  a=b c\n",
				   &dialect_grub);
	struct line *k = line_by_type(LT_KERNEL, cfg->entries->lines);
	assert_non_null(k);
	assert_int_equal(k->nelem, 4);
	assert_string_equal(k->el[0].indent, "\t");
	assert_string_equal(k->el[1].indent, "  ");
	assert_string_equal(k->el[2].item, "a=b");
}

static void keywords_match_whole_words(void **state)
{
	(void)state;
	assert_int_equal(type_by_keyword(&dialect_grub2, "linux16"),
			 LT_KERNEL_16);
	assert_int_equal(type_by_keyword(&dialect_grub2, "linux"), LT_KERNEL);
	assert_int_equal(type_by_keyword(&dialect_grub2, "linuxfoo"),
			 LT_UNKNOWN);
	assert_int_equal(type_by_keyword(&dialect_extlinux, "KERNEL"),
			 LT_KERNEL);
	assert_int_equal(type_by_keyword(&dialect_grub, "KERNEL"), LT_UNKNOWN);
	assert_int_equal(type_by_keyword(&dialect_grub2, "multiboot2"),
			 LT_HYPER);
	assert_int_equal(type_by_keyword(&dialect_grub2, "module2"),
			 LT_MBMODULE);
}

static void grub2_multiboot_forms_are_xen_entries(void **state)
{
	(void)state;
	static const char *const forms[] = {
		"menuentry 'Xen' {\n\tmultiboot2 /xen.gz\n\tmodule2 /vmlinuz ro\n"
		"\tmodule2 /initrd.img\n}\n",
		"menuentry 'Xen' {\n\tmultiboot /xen.gz\n\tmodule /vmlinuz ro\n}\n",
	};
	for (size_t i = 0; i < 2; i++) {
		struct config *cfg = parse(forms[i], &dialect_grub2);
		struct entry *e = cfg->entries;
		assert_true(e->multiboot);
		struct line *h = line_by_type(LT_HYPER, e->lines);
		assert_string_equal(h->el[1].item, "/xen.gz");
		assert_non_null(entry_by_path(cfg, "/vmlinuz", "", NULL));
		assert_non_null(entry_by_path(cfg, "/xen.gz", "", NULL));
	}
}

static void grub_legacy_kernel_before_module_becomes_hypervisor(void **state)
{
	(void)state;
	struct config *cfg = parse("title xen\n\tkernel /xen.gz\n"
				   "\tmodule /vmlinuz\n", &dialect_grub);
	struct line *l = cfg->entries->lines->next;
	assert_int_equal(l->type, LT_HYPER);
	assert_true(cfg->entries->multiboot);
}

static void menuentry_titles_lose_their_quotes(void **state)
{
	(void)state;
	struct config *cfg = parse("menuentry 'A b' --class x {\n}\n"
				   "menuentry \"C\" {\n}\n", &dialect_grub2);
	struct line *m = cfg->entries->lines;
	assert_string_equal(menuentry_title(m), "A b");
	assert_string_equal(m->el[2].item, "--class x {");
	assert_string_equal(menuentry_title(cfg->entries->next->lines), "C");
	int index = 0;
	assert_non_null(entry_by_title(cfg, "C", &index));
	assert_int_equal(index, 1);
}

static void lines_without_newline_and_empty_files_parse(void **state)
{
	(void)state;
	struct config *cfg = parse("", &dialect_grub);
	assert_null(cfg->entries);
	cfg = parse("title a\n\tkernel /k", &dialect_grub);
	assert_non_null(cfg->entries);
	assert_int_equal(count_entries(cfg), 1);
}

static void entry_index_walk_is_consistent(void **state)
{
	(void)state;
	struct config *cfg = parse("title a\n\tkernel /a\ntitle b\n\tkernel /b\n"
				   "title c\n\tkernel /c\n", &dialect_grub);
	assert_ptr_equal(entry_by_index(cfg, 2), cfg->entries->next->next);
	assert_ptr_equal(entry_by_index(cfg, 0), cfg->entries);
	assert_ptr_equal(entry_by_index(cfg, 1), cfg->entries->next);
	assert_null(entry_by_index(cfg, 3));
	assert_null(entry_by_index(cfg, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_dialect_writes_back_what_it_read),
		cmocka_unit_test(words_keep_their_separators),
		cmocka_unit_test(keywords_match_whole_words),
		cmocka_unit_test(grub2_multiboot_forms_are_xen_entries),
		cmocka_unit_test(grub_legacy_kernel_before_module_becomes_hypervisor),
		cmocka_unit_test(menuentry_titles_lose_their_quotes),
		cmocka_unit_test(lines_without_newline_and_empty_files_parse),
		cmocka_unit_test(entry_index_walk_is_consistent),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	gb_arena_release();
	return rc;
}
