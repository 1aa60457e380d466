<?php

/**
 * The Margins view of the addon page, included by admin.php. Every value is
 * printed through $e (htmlspecialchars).
 *
 * @var array<string, mixed> $view prepared by AdminPageView::render()
 * @var callable(mixed): string $e
 */

declare(strict_types=1);

defined('WHMCS') || exit;

$margins = $view['margins'];
$columns = ['Service', 'Client', 'Server', 'Group', 'Product', 'Status', 'Cycle', 'Income', 'HOSTKEY cost',
    'Margin', 'Margin %'];
?>
    <div class="panel panel-default hostkeyresellermod-margins">
        <div class="panel-heading"><h3 class="panel-title"><?=
            $e('Margins per month in ' . $margins['currency'] . ' (threshold ' . $margins['threshold'] . ' %)')
        ?></h3></div>
        <form method="post" action="<?= $e($view['moduleLink']) ?>" class="hostkeyresellermod-margins-form">
            <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
            <table class="table table-condensed hostkeyresellermod-margins-table">
                <thead><tr><th></th>
<?php foreach ($columns as $column) : ?>
                    <th><?= $e($column) ?></th>
<?php endforeach; ?>
                </tr></thead>
                <tbody>
<?php foreach ($margins['rows'] as $row) : ?>
                    <tr class="<?= $row['under-threshold'] ? 'danger table-danger' : '' ?>"
                        data-service="<?= $e($row['service-id']) ?>"
                        data-under="<?= $row['under-threshold'] ? '1' : '0' ?>">
                        <td><input type="checkbox" name="service[]" value="<?= $e($row['service-id']) ?>"
                            aria-label="Select service <?= $e($row['service-id']) ?>"></td>
                        <td><?= $e($row['service-id']) ?></td>
                        <td><?= $e($row['client']) ?></td>
                        <td><?= $e($row['server']) ?></td>
                        <td><?= $e($row['group']) ?></td>
                        <td><?= $e($row['product']) ?></td>
                        <td><?= $e($row['status']) ?></td>
                        <td><?= $e($row['cycle']) ?></td>
    <?php if ($row['reason'] !== '') : ?>
                        <td colspan="4" class="text-warning hostkeyresellermod-margin-reason"><?=
                            $e($row['reason']) ?></td>
    <?php else : ?>
                        <td class="text-right"><?= $e($row['income']) ?></td>
                        <td class="text-right"><?= $e($row['cost']) ?> <small class="text-muted"><?=
                            $e($row['basis']) ?></small></td>
                        <td class="text-right"><strong><?= $e($row['margin']) ?></strong></td>
                        <td class="text-right"><?= $e($row['margin-percent']) ?></td>
    <?php endif; ?>
                    </tr>
<?php endforeach; ?>
                </tbody>
            </table>
            <div class="panel-body">
                <button type="submit" name="action" value="reprice-preview" class="btn btn-default">Preview new
                    recurring amounts of the selected services</button>
                <button type="submit" name="action" value="margins-csv" class="btn btn-default">Download CSV</button>
            </div>
        </form>
        <table class="table table-condensed hostkeyresellermod-margin-totals">
            <thead><tr><th>Group</th><th>Services</th><th>Income</th><th>HOSTKEY cost</th><th>Margin</th>
                <th>Margin %</th></tr></thead>
            <tbody>
<?php foreach ($margins['totals'] as $total) : ?>
                <tr><th><?= $e($total['group']) ?></th><td><?= $e($total['services']) ?></td>
                    <td class="text-right"><?= $e($total['income']) ?></td>
                    <td class="text-right"><?= $e($total['cost']) ?></td>
                    <td class="text-right"><strong><?= $e($total['margin']) ?></strong></td>
                    <td class="text-right"><?= $e($total['margin-percent']) ?></td></tr>
<?php endforeach; ?>
            </tbody>
        </table>
        <div class="panel-body">
<?php foreach ($margins['notes'] as $note) : ?>
            <p class="help-block"><?= $e($note) ?></p>
<?php endforeach; ?>
        </div>
    </div>
<?php if ($margins['reprice'] !== []) : ?>
    <div class="panel panel-warning hostkeyresellermod-reprice">
        <div class="panel-heading"><h3 class="panel-title">New recurring amounts</h3></div>
        <form method="post" action="<?= $e($view['moduleLink']) ?>">
            <input type="hidden" name="token" value="<?= $e($view['token']) ?>">
            <input type="hidden" name="action" value="reprice-apply">
            <table class="table table-condensed">
                <thead><tr><th>Service</th><th>Client</th><th>Product</th><th>Cycle</th><th>Now</th><th>New</th>
                </tr></thead>
                <tbody>
    <?php foreach ($margins['reprice'] as $line) : ?>
                    <tr><td><?= $e($line['service-id']) ?><input type="hidden" name="service[]"
                        value="<?= $e($line['service-id']) ?>"></td>
                        <td><?= $e($line['client']) ?></td><td><?= $e($line['product']) ?></td>
                        <td><?= $e($line['cycle']) ?></td>
                        <td class="text-right"><?= $e($line['current']) ?> <?= $e($line['currency']) ?></td>
                        <td class="text-right"><strong><?=
                            $e($line['proposed'] . ' ' . $line['currency']) ?></strong></td></tr>
    <?php endforeach; ?>
                </tbody>
            </table>
            <div class="panel-body">
                <button type="submit" class="btn btn-warning" data-confirm="Write these recurring amounts?"
                    onclick="return confirm(this.dataset.confirm);">Apply these amounts</button>
            </div>
        </form>
    </div>
<?php endif; ?>
