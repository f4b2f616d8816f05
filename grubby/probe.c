/* --bootloader-probe: which boot loaders are installed, by their config
 * files and by the code in the boot sector. */
#include "grubby/core.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CODE_SEG_SIZE 128
#define JMP_SHORT 0xeb
#define NOP 0x90

static int read_sector(const char *path, unsigned char buf[512], bool quiet)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!quiet)
			fprintf(stderr, "grubby: unable to open %s: %m\n", path);
		return -1;
	}
	ssize_t n = read(fd, buf, 512);
	close(fd);
	if (n != 512) {
		fprintf(stderr, "grubby: unable to read %s: %m\n", path);
		return -2;
	}
	return 0;
}

/* 2 when the device's boot sector holds the code of boot, 0 when not,
 * 1 on error */
static int device_has_loader(const char *device, const unsigned char *boot)
{
	unsigned char sect[512];
	if (read_sector(device, sect, false))
		return 1;
	if (memcmp(boot, sect, 3))
		return 0;
	int off;
	if (boot[1] == JMP_SHORT) {
		off = boot[2] + 2;
	} else if (boot[1] == 0xe8 || boot[1] == 0xe9) {
		off = (boot[3] << 8) + boot[2] + 2;
	} else if (boot[0] == JMP_SHORT) {
		off = boot[1] + 2;
		/* GRUB patches the bytes after its jump with NOPs */
		if (off + 2 < 512 && sect[off + 1] == NOP && sect[off + 2] == NOP)
			off += 3;
	} else if (boot[0] == 0xe8 || boot[0] == 0xe9) {
		off = (boot[2] << 8) + boot[1] + 2;
	} else {
		return 0;
	}
	if (off < 0 || off + CODE_SEG_SIZE > 512)
		return 0;
	return memcmp(boot + off, sect + off, CODE_SEG_SIZE) ? 0 : 2;
}

static char *sysconfig_boot(void)
{
	FILE *f = fopen("/etc/sysconfig/grub", "r");
	if (!f)
		return NULL;
	char buf[1024], *boot = NULL;
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "boot", 4))
			continue;
		p += 4;
		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '=')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		p[strcspn(p, " \t\r\n")] = '\0';
		free(boot);
		boot = strdup(p);
	}
	fclose(f);
	return boot;
}

static int probe_stage(const char *stage)
{
	char *boot = sysconfig_boot();
	if (!boot)
		return 0;
	unsigned char sect[512];
	int r = read_sector(stage, sect, true);
	int rc = r == -1 ? 0 : r ? 1 : device_has_loader(boot, sect);
	free(boot);
	return rc;
}

static int probe_lilo(void)
{
	struct config *cfg = config_read("/etc/lilo.conf", &dialect_lilo,
					 false, NULL, false);
	if (!cfg)
		return 1;
	struct line *l = line_by_type(LT_BOOT, cfg->lines);
	if (!l) {
		fprintf(stderr, "grubby: no boot line found in lilo "
			"configuration\n");
		return 1;
	}
	if (l->nelem != 2)
		return 1;
	unsigned char boot[512];
	if (read_sector("/boot/boot.b", boot, false))
		return 1;
	return device_has_loader(l->el[1].item, boot);
}

int bootloader_probe(void)
{
	int lilo = 0, grub = 0, grub2 = 0, ext = 0, yaboot = 0, elilo = 0;
	const char *g2 = dialect_find_config(&dialect_grub2);
	if (g2)
		grub2 = !config_read(g2, &dialect_grub2, false, NULL, false) ? 1 :
			!access("/etc/grub.d/", R_OK) ? 2 : 1;
	const char *g1 = dialect_find_config(&dialect_grub);
	if (g1 && !access(g1, F_OK))
		grub = probe_stage("/boot/grub/stage1");
	if (!access(dialect_lilo.default_config, F_OK))
		lilo = probe_lilo();
	if (!access(dialect_elilo.default_config, F_OK))
		elilo = access("/etc/elilo.conf", R_OK) ? 1 : 2;
	if (!access(dialect_extlinux.default_config, F_OK)) {
		printf("entered: checkForExtLinux()\n");
		ext = probe_stage("/boot/extlinux/extlinux");
	}
	if (!access(dialect_yaboot.default_config, F_OK))
		yaboot = access("/etc/yaboot.conf", R_OK) ? 1 : 2;

	if (lilo == 1 || grub == 1 || grub2 == 1 || ext == 1 || yaboot == 1 ||
	    elilo == 1)
		return 1;
	if (lilo == 2)
		printf("lilo\n");
	if (grub2 == 2)
		printf("grub2\n");
	if (grub == 2)
		printf("grub\n");
	if (ext == 2)
		printf("extlinux\n");
	if (yaboot == 2)
		printf("yaboot\n");
	if (elilo == 2)
		printf("elilo\n");
	return 0;
}
