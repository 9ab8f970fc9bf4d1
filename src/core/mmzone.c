// SPDX-License-Identifier: MIT
/*
 * mmzone.c - zone kinds and the zone layout of a kernel build, see
 * kmm/mmzone.h.
 */
#include <kmm/kernel.h>
#include <kmm/mmzone.h>

static const char *const zone_names[KMM_ZONE_KINDS] = {
	[KMM_ZONE_DMA] = "DMA",         [KMM_ZONE_DMA32] = "DMA32",
	[KMM_ZONE_NORMAL] = "Normal",   [KMM_ZONE_HIGHMEM] = "HighMem",
	[KMM_ZONE_MOVABLE] = "Movable", [KMM_ZONE_DEVICE] = "Device",
};

const char *kmm_zone_kind_name(enum kmm_zone_kind kind)
{
	return (unsigned int)kind < KMM_ZONE_KINDS ? zone_names[kind] : "?";
}

void kmm_zone_layout_init(struct kmm_zone_layout *l, const struct kmm_kernel *k)
{
	l->nr = 0;
	if (k->zone_dma)
		l->kind[l->nr++] = KMM_ZONE_DMA;
	if (k->zone_dma32)
		l->kind[l->nr++] = KMM_ZONE_DMA32;
	l->kind[l->nr++] = KMM_ZONE_NORMAL;
	if (k->highmem)
		l->kind[l->nr++] = KMM_ZONE_HIGHMEM;
	l->kind[l->nr++] = KMM_ZONE_MOVABLE;
	if (k->zone_device)
		l->kind[l->nr++] = KMM_ZONE_DEVICE;
}

int kmm_zone_layout_index(const struct kmm_zone_layout *l, enum kmm_zone_kind kind)
{
	for (unsigned int i = 0; i < l->nr; i++)
		if (l->kind[i] == kind)
			return (int)i;
	return -1;
}
