<?php

/**
 * The addon's admin sidebar.
 *
 * @var array<string, mixed> $view
 * @var callable(mixed): string $e
 */

declare(strict_types=1);

defined('WHMCS') || exit;

?>
<span class="header"><?= $e($view['title']) ?></span>
<ul class="menu">
    <li><a href="<?= $e($view['moduleLink']) ?>"><?= $e($view['lang']['sidebar_link']) ?></a></li>
</ul>
